package dev.evstream.bench.server.netty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;

/**
 * The subscribers of every channel and the fan-out to them. Everything runs on the one
 * event loop of the server, so nothing is locked: a publish writes the same buffer to
 * each subscriber and marks it dirty, and one task queued behind the current I/O pass
 * flushes every dirty subscriber once, however many events the pass published.
 * <p>
 * A subscriber whose unsent bytes exceed the limit is closed, the counterpart of
 * evstream's bounded queue.
 *
 * @since 0.1.0
 */
final class Broadcaster {

	private final EventLoop loop;

	private final long maxPendingBytes;

	private final Map<String, List<Subscriber>> channels = new HashMap<>();

	private final List<Subscriber> dirty = new ArrayList<>();

	private final Runnable flush = this::flushDirty;

	private long sequence;

	private int overflows;

	Broadcaster(EventLoop loop, long maxPendingBytes) {
		this.loop = loop;
		this.maxPendingBytes = maxPendingBytes;
	}

	long nextId() {
		return ++this.sequence;
	}

	void subscribe(String channel, Channel connection) {
		List<Subscriber> subscribers = this.channels.computeIfAbsent(channel, (name) -> new ArrayList<>());
		Subscriber subscriber = new Subscriber(connection, subscribers.size());
		subscribers.add(subscriber);
		connection.closeFuture().addListener((future) -> unsubscribe(subscribers, subscriber));
	}

	private void unsubscribe(List<Subscriber> subscribers, Subscriber subscriber) {
		// swap with the last one: order does not matter, and closing 19k connections
		// must not be quadratic
		int index = subscriber.index;
		Subscriber last = subscribers.remove(subscribers.size() - 1);
		if (last != subscriber) {
			subscribers.set(index, last);
			last.index = index;
		}
	}

	/**
	 * Writes an encoded event to every subscriber of a channel; takes ownership of the
	 * buffer.
	 */
	void publish(String channel, ByteBuf event) {
		try {
			List<Subscriber> subscribers = this.channels.get(channel);
			if (subscribers != null) {
				writeAll(subscribers, event);
			}
		}
		finally {
			event.release();
		}
	}

	/**
	 * Writes an encoded event to every subscriber of every channel; takes ownership of
	 * the buffer.
	 */
	void publishToAll(ByteBuf event) {
		try {
			for (List<Subscriber> subscribers : this.channels.values()) {
				writeAll(subscribers, event);
			}
		}
		finally {
			event.release();
		}
	}

	private void writeAll(List<Subscriber> subscribers, ByteBuf event) {
		// backwards, since closing the current subscriber swaps the last one, already
		// written to, into its place
		for (int i = subscribers.size() - 1; i >= 0; i--) {
			if (i >= subscribers.size()) {
				continue;
			}
			Subscriber subscriber = subscribers.get(i);
			Channel connection = subscriber.connection;
			if (!connection.isActive()) {
				continue;
			}
			if (pendingBytes(connection) > this.maxPendingBytes) {
				this.overflows++;
				connection.close();
				continue;
			}
			connection.write(event.retainedDuplicate(), connection.voidPromise());
			if (!subscriber.dirty) {
				subscriber.dirty = true;
				if (this.dirty.isEmpty()) {
					this.loop.execute(this.flush);
				}
				this.dirty.add(subscriber);
			}
		}
	}

	private static long pendingBytes(Channel connection) {
		ChannelOutboundBuffer buffer = connection.unsafe().outboundBuffer();
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
	}

	private void flushDirty() {
		for (Subscriber subscriber : this.dirty) {
			subscriber.dirty = false;
			subscriber.connection.flush();
		}
		this.dirty.clear();
	}

	int overflows() {
		return this.overflows;
	}

	/**
	 * A subscribed connection and where it sits in its channel's list.
	 */
	private static final class Subscriber {

		final Channel connection;

		int index;

		boolean dirty;

		Subscriber(Channel connection, int index) {
			this.connection = connection;
			this.index = index;
		}

	}

}
