package dev.evstream.core;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The channels this instance has listeners or states for. Lock-free for lookups; a
 * channel nobody uses any more is retired and forgotten.
 */
final class ChannelRegistry {

	private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();

	private final Function<String, Channel> factory;

	ChannelRegistry(Function<String, Channel> factory) {
		this.factory = factory;
	}

	/**
	 * Returns the channel, creating and starting it if needed.
	 * @throws EvMaxChannelsException if it would be created beyond the limit
	 */
	Channel acquire(String name, int maxChannels) {
		Channel channel = this.channels.get(name);
		if (channel == null) {
			// a close race may let a few more in: the limit bounds memory, not an exact
			// count
			if (this.channels.size() >= maxChannels) {
				throw new EvMaxChannelsException(maxChannels);
			}
			channel = this.channels.computeIfAbsent(name, this.factory);
		}
		channel.start();
		return channel;
	}

	int size() {
		return this.channels.size();
	}

	@Nullable Channel get(String name) {
		return this.channels.get(name);
	}

	void retireIfIdle(Channel channel) {
		if (channel.retireIfIdle()) {
			this.channels.remove(channel.name, channel);
		}
	}

	Collection<Channel> all() {
		return this.channels.values();
	}

}
