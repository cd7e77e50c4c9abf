package dev.evstream.core.memory;

import java.time.Duration;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.history.ChannelHistory;

/**
 * The embedded default {@link Backend}: one instance, everything in this process's
 * memory. Its store and history deliver on its bus while they hold the lock of what they
 * changed, so listeners see every state and channel in commit order.
 *
 * @since 0.1.0
 */
public final class InMemoryBackend implements Backend {

	private final InMemoryEventBus bus = new InMemoryEventBus();

	private final InMemoryStateStore stateStore = new InMemoryStateStore(this.bus);

	private final InMemoryChannelHistory channelHistory;

	/**
	 * Creates a backend that keeps {@value ChannelHistory#DEFAULT_SIZE} messages per
	 * channel, for {@link InMemoryChannelHistory#DEFAULT_TIME_TO_LIVE one day} after a
	 * channel's last use, within {@link InMemoryChannelHistory#DEFAULT_MAX_BYTES 64 MB}.
	 */
	public InMemoryBackend() {
		this(ChannelHistory.DEFAULT_SIZE, InMemoryChannelHistory.DEFAULT_TIME_TO_LIVE,
				InMemoryChannelHistory.DEFAULT_MAX_BYTES);
	}

	/**
	 * Creates a backend.
	 * @param historySize the number of messages kept per channel, zero for none
	 * @param historyTimeToLive how long a channel's log is kept after it was last sent to
	 * or read
	 * @param historyMaxBytes the budget of all logs together, in approximate heap bytes
	 * @throws IllegalArgumentException if the size is negative, or the time to live or
	 * the budget not positive
	 */
	public InMemoryBackend(int historySize, Duration historyTimeToLive, long historyMaxBytes) {
		this.channelHistory = new InMemoryChannelHistory(this.bus, historySize, historyTimeToLive, historyMaxBytes);
	}

	@Override
	public InMemoryEventBus bus() {
		return this.bus;
	}

	@Override
	public InMemoryStateStore stateStore() {
		return this.stateStore;
	}

	@Override
	public InMemoryChannelHistory channelHistory() {
		return this.channelHistory;
	}

	@Override
	public String toString() {
		return "InMemoryBackend";
	}

}
