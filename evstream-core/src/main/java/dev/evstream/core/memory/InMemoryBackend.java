package dev.evstream.core.memory;

import java.time.Duration;
import java.util.Objects;

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

	private final InMemoryCollectionStore collectionStore;

	private final InMemoryLogStore logStore;

	private final InMemoryOperationStore operationStore = new InMemoryOperationStore();

	private final InMemoryPresenceStore presenceStore = new InMemoryPresenceStore();

	private final InMemoryTicketStore ticketStore = new InMemoryTicketStore();

	/**
	 * Creates a backend that keeps {@value ChannelHistory#DEFAULT_SIZE} messages per
	 * channel, for {@link InMemoryChannelHistory#DEFAULT_TIME_TO_LIVE one day} after a
	 * channel's last use, within {@link InMemoryChannelHistory#DEFAULT_MAX_BYTES 64 MB}.
	 */
	public InMemoryBackend() {
		this(builder());
	}

	private InMemoryBackend(Builder builder) {
		this.channelHistory = new InMemoryChannelHistory(this.bus, builder.historySize, builder.historyTimeToLive,
				builder.historyMaxBytes);
		this.collectionStore = new InMemoryCollectionStore(this.channelHistory);
		this.logStore = new InMemoryLogStore(this.channelHistory);
	}

	/**
	 * Starts a builder.
	 * @return a builder with the defaults
	 */
	public static Builder builder() {
		return new Builder();
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
	public InMemoryCollectionStore collectionStore() {
		return this.collectionStore;
	}

	@Override
	public InMemoryLogStore logStore() {
		return this.logStore;
	}

	@Override
	public InMemoryOperationStore operationStore() {
		return this.operationStore;
	}

	@Override
	public InMemoryPresenceStore presenceStore() {
		return this.presenceStore;
	}

	@Override
	public InMemoryTicketStore ticketStore() {
		return this.ticketStore;
	}

	@Override
	public String toString() {
		return "InMemoryBackend";
	}

	/**
	 * Builds an {@link InMemoryBackend}.
	 */
	public static final class Builder {

		private int historySize = ChannelHistory.DEFAULT_SIZE;

		private Duration historyTimeToLive = InMemoryChannelHistory.DEFAULT_TIME_TO_LIVE;

		private long historyMaxBytes = InMemoryChannelHistory.DEFAULT_MAX_BYTES;

		private Builder() {
		}

		/**
		 * Sets how many messages are kept per channel for resuming.
		 * @param historySize the number of messages, zero for none
		 * @return this builder
		 */
		public Builder historySize(int historySize) {
			if (historySize < 0) {
				throw new IllegalArgumentException("'historySize' must not be negative, but was " + historySize);
			}
			this.historySize = historySize;
			return this;
		}

		/**
		 * Sets how long a channel's history is kept after it was last sent to or read.
		 * @param historyTimeToLive the time to live, positive
		 * @return this builder
		 */
		public Builder historyTimeToLive(Duration historyTimeToLive) {
			Objects.requireNonNull(historyTimeToLive, "'historyTimeToLive' must not be null");
			if (historyTimeToLive.isNegative() || historyTimeToLive.isZero()) {
				throw new IllegalArgumentException(
						"'historyTimeToLive' must be positive, but was " + historyTimeToLive);
			}
			this.historyTimeToLive = historyTimeToLive;
			return this;
		}

		/**
		 * Sets the budget of all channels' histories together; the least recently used
		 * are forgotten first beyond it.
		 * @param historyMaxBytes the budget, in approximate heap bytes, at least 1
		 * @return this builder
		 */
		public Builder historyMaxBytes(long historyMaxBytes) {
			if (historyMaxBytes < 1) {
				throw new IllegalArgumentException("'historyMaxBytes' must be at least 1, but was " + historyMaxBytes);
			}
			this.historyMaxBytes = historyMaxBytes;
			return this;
		}

		/**
		 * Builds the backend.
		 * @return the backend
		 */
		public InMemoryBackend build() {
			return new InMemoryBackend(this);
		}

	}

}
