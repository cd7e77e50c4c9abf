package dev.evstream.redis;

import java.time.Duration;
import java.util.function.Supplier;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.history.ChannelHistory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.util.Assert;

/**
 * The {@link Backend} that lets replicas share states, collections, event logs, channel
 * positions, history, presence and tickets through one Redis: one template, one set of
 * key names and one bus for all its parts, so that every write's Lua script publishes
 * where every replica listens.
 * <p>
 * {@link #start()} subscribes to the bus in the background and keeps trying while Redis
 * is unreachable; nothing in the backend blocks.
 *
 * @since 0.1.0
 */
public final class RedisBackend implements Backend {

	/**
	 * Default prefix of every key.
	 */
	public static final String DEFAULT_KEY_PREFIX = "evstream";

	/**
	 * Default longest wait for Redis before a call fails.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Default interval of the probes that watch the bus subscription.
	 */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

	/**
	 * Default time an unused channel's history is kept.
	 */
	public static final Duration DEFAULT_HISTORY_TIME_TO_LIVE = Duration.ofDays(1);

	private final RedisEventBus bus;

	private final RedisStateStore stateStore;

	private final RedisChannelHistory channelHistory;

	private final RedisCollectionStore collectionStore;

	private final RedisLogStore logStore;

	private final RedisOperationStore operationStore;

	private final RedisPresenceStore presenceStore;

	private final RedisTicketStore ticketStore;

	private RedisBackend(Builder builder) {
		RedisKeys keys = new RedisKeys(builder.keyPrefix);
		this.bus = new RedisEventBus(builder.listenerContainers, builder.redis, keys, builder.timeout,
				builder.probeInterval);
		this.stateStore = new RedisStateStore(builder.redis, keys, builder.timeout);
		this.channelHistory = new RedisChannelHistory(builder.redis, keys, builder.historySize,
				builder.historyTimeToLive, builder.timeout);
		this.collectionStore = new RedisCollectionStore(builder.redis, keys, this.channelHistory, builder.timeout);
		this.logStore = new RedisLogStore(builder.redis, keys, this.channelHistory, builder.timeout);
		this.operationStore = new RedisOperationStore(builder.redis, keys, builder.timeout);
		this.presenceStore = new RedisPresenceStore(builder.redis, keys, builder.timeout);
		this.ticketStore = new RedisTicketStore(builder.redis, keys, builder.timeout);
	}

	/**
	 * Starts a builder.
	 * @param redis the template every part runs its commands with
	 * @param listenerContainers supplies this instance's listener container, made when
	 * the bus first subscribes and made again at every attempt until it is: a container
	 * connects to Redis when created. Called on a thread that may block; the backend does
	 * not own the container.
	 * @return a builder with the defaults
	 */
	public static Builder builder(ReactiveStringRedisTemplate redis,
			Supplier<? extends ReactiveRedisMessageListenerContainer> listenerContainers) {
		return new Builder(redis, listenerContainers);
	}

	@Override
	public RedisEventBus bus() {
		return this.bus;
	}

	@Override
	public RedisStateStore stateStore() {
		return this.stateStore;
	}

	@Override
	public RedisCollectionStore collectionStore() {
		return this.collectionStore;
	}

	@Override
	public RedisLogStore logStore() {
		return this.logStore;
	}

	@Override
	public RedisOperationStore operationStore() {
		return this.operationStore;
	}

	@Override
	public RedisPresenceStore presenceStore() {
		return this.presenceStore;
	}

	@Override
	public RedisTicketStore ticketStore() {
		return this.ticketStore;
	}

	@Override
	public RedisChannelHistory channelHistory() {
		return this.channelHistory;
	}

	/**
	 * Subscribes to the bus, and keeps subscribing with back-off whenever the
	 * subscription fails. Completes once Redis confirmed the first subscription.
	 * @return completion of the first subscription
	 */
	@Override
	public Mono<Void> start() {
		return this.bus.start();
	}

	@Override
	public void close() {
		this.bus.close();
	}

	@Override
	public String toString() {
		return "RedisBackend";
	}

	/**
	 * Builds a {@link RedisBackend}.
	 */
	public static final class Builder {

		private final ReactiveStringRedisTemplate redis;

		private final Supplier<? extends ReactiveRedisMessageListenerContainer> listenerContainers;

		private String keyPrefix = DEFAULT_KEY_PREFIX;

		private Duration timeout = DEFAULT_TIMEOUT;

		private Duration probeInterval = DEFAULT_PROBE_INTERVAL;

		private int historySize = ChannelHistory.DEFAULT_SIZE;

		private Duration historyTimeToLive = DEFAULT_HISTORY_TIME_TO_LIVE;

		private Builder(ReactiveStringRedisTemplate redis,
				Supplier<? extends ReactiveRedisMessageListenerContainer> listenerContainers) {
			Assert.notNull(redis, "'redis' must not be null");
			Assert.notNull(listenerContainers, "'listenerContainers' must not be null");
			this.redis = redis;
			this.listenerContainers = listenerContainers;
		}

		/**
		 * Sets the prefix of every key, so that applications sharing a server never meet.
		 * @param keyPrefix the prefix, non-empty, without spaces or line breaks
		 * @return this builder
		 */
		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = new RedisKeys(keyPrefix).prefix();
			return this;
		}

		/**
		 * Sets the longest wait for Redis before a call fails.
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = positive("timeout", timeout);
			return this;
		}

		/**
		 * Sets the interval of the probes that watch the bus subscription: a bus that
		 * hears nothing for three intervals counts as disconnected.
		 * @param probeInterval the interval, positive
		 * @return this builder
		 */
		public Builder probeInterval(Duration probeInterval) {
			this.probeInterval = positive("probeInterval", probeInterval);
			return this;
		}

		/**
		 * Sets how many messages are kept per channel for resuming.
		 * @param historySize the number of messages, zero for none
		 * @return this builder
		 */
		public Builder historySize(int historySize) {
			Assert.isTrue(historySize >= 0, () -> "'historySize' must not be negative, but was " + historySize);
			this.historySize = historySize;
			return this;
		}

		/**
		 * Sets how long an unused channel's history is kept.
		 * @param historyTimeToLive the time to live, positive
		 * @return this builder
		 */
		public Builder historyTimeToLive(Duration historyTimeToLive) {
			this.historyTimeToLive = positive("historyTimeToLive", historyTimeToLive);
			return this;
		}

		/**
		 * Builds the backend; {@link RedisBackend#start()} starts it.
		 * @return the backend
		 */
		public RedisBackend build() {
			return new RedisBackend(this);
		}

		private static Duration positive(String name, Duration value) {
			Assert.notNull(value, () -> "'" + name + "' must not be null");
			Assert.isTrue(!value.isNegative() && !value.isZero(),
					() -> "'" + name + "' must be positive, but was " + value);
			return value;
		}

	}

}
