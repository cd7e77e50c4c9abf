package dev.evstream.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusEventCodec;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.bus.BusListeners;
import dev.evstream.core.bus.EventBus;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * The {@link EventBus} of replicas that share one Redis: one pub/sub channel, one
 * subscription per instance (through the listener container), whatever the number of
 * clients.
 * <p>
 * Pub/sub forgets what it could not deliver, so the bus watches itself: every instance
 * publishes a numbered probe at a fixed interval and expects to receive its own. A probe
 * that does not come back in three intervals means the bus is disconnected; one that
 * comes back after a gap, or a subscription made again after an error, means events may
 * have been lost, and every listener is told to {@link BusListener#onResync() resync}.
 * Only those transitions are logged, never each failed attempt.
 * <p>
 * With every probe, and before every resync, the bus also reads Redis's epoch, a random
 * id kept in one key: when it changed since the last read, Redis lost its data meanwhile
 * (it restarted empty, or was flushed; perhaps too quickly for the probes to show a gap),
 * and the listeners are told so {@link BusListener#onDataLost() first}, then to resync.
 * <p>
 * Nothing waits for Redis: the bus may start while Redis is unreachable, and its listener
 * container may even be created later, once Redis answers. Every subscription, the first
 * included, tells the listeners to resync, so that whatever they read before it (or could
 * not read) is brought up to date.
 *
 * @since 0.1.0
 */
public final class RedisEventBus implements EventBus, AutoCloseable {

	private static final Logger logger = Loggers.getLogger(RedisEventBus.class);

	private static final String PROBE = "P\n";

	private static final SecureRandom random = new SecureRandom();

	private final Supplier<? extends ReactiveRedisMessageListenerContainer> containers;

	private volatile @Nullable ReactiveRedisMessageListenerContainer container;

	private final ReactiveStringRedisTemplate redis;

	private final String channel;

	private final String epochKey;

	private final AtomicReference<@Nullable String> epoch = new AtomicReference<>();

	private final Duration timeout;

	private final Duration probeInterval;

	private final Scheduler scheduler = Schedulers.parallel();

	private final String instance = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);

	private final BusListeners listeners = new BusListeners();

	private final Disposable.Composite lifecycle = Disposables.composite();

	private final Sinks.Empty<Void> firstSubscription = Sinks.empty();

	private final FirstConnection firstConnection = new FirstConnection();

	private volatile boolean connected;

	private volatile boolean subscribedOnce;

	private volatile boolean waitLogged;

	private long probesSent;

	private volatile long lastProbeReceived = -1;

	private volatile long lastProbeAt;

	/**
	 * Creates the bus with a listener container made when the bus first subscribes, and
	 * made again at every attempt until it is: a container connects to Redis when
	 * created, which it cannot do while Redis is unreachable. The supplier is called on a
	 * thread that may block; the bus does not own the container it returns.
	 * {@link #start()} subscribes.
	 * @param containers supplies the listener container of this instance
	 * @param redis the template to publish with
	 * @param keys the key names, which give the bus channel
	 * @param timeout the longest wait for Redis before a publication fails
	 * @param probeInterval the interval of the probes that watch the subscription
	 */
	RedisEventBus(Supplier<? extends ReactiveRedisMessageListenerContainer> containers,
			ReactiveStringRedisTemplate redis, RedisKeys keys, Duration timeout, Duration probeInterval) {
		this.containers = Objects.requireNonNull(containers, "'containers' must not be null");
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.channel = keys.bus();
		this.epochKey = keys.epoch();
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
		this.probeInterval = Objects.requireNonNull(probeInterval, "'probeInterval' must not be null");
	}

	/**
	 * Subscribes to the bus channel, and keeps subscribing, with back-off, whenever the
	 * subscription fails; starts the probes.
	 * @return completion of the first subscription, confirmed by Redis: events published
	 * after it are received
	 */
	public Mono<Void> start() {
		Disposable subscription = container()
			.flatMap((container) -> container.receiveLater(ChannelTopic.of(this.channel)))
			.doOnNext((messages) -> onSubscribed())
			.flatMapMany((messages) -> messages)
			.doOnNext((message) -> onMessage(message.getMessage()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100))
				.maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> onSubscriptionFailed(signal.failure())))
			.subscribe(null, (ex) -> logger.error("evstream's Redis bus stopped", ex));
		this.lifecycle.add(subscription);
		this.lifecycle.add(Flux.interval(this.probeInterval, this.probeInterval, this.scheduler)
			.onBackpressureDrop()
			.concatMap((tick) -> probe(), 1)
			.subscribe(null, (ex) -> logger.error("evstream's Redis bus probe stopped", ex)));
		return this.firstSubscription.asMono();
	}

	/**
	 * The listener container, created on a thread that may block the first time.
	 */
	private Mono<ReactiveRedisMessageListenerContainer> container() {
		return Mono.defer(() -> {
			ReactiveRedisMessageListenerContainer existing = this.container;
			if (existing != null) {
				return Mono.just(existing);
			}
			return Mono.fromCallable(() -> {
				ReactiveRedisMessageListenerContainer created = Objects.requireNonNull(this.containers.get(),
						"The listener container supplier returned null");
				this.container = created;
				return created;
			}).subscribeOn(FirstConnection.CONNECTING);
		});
	}

	@Override
	public Mono<Void> publish(BusEvent event) {
		Objects.requireNonNull(event, "'event' must not be null");
		return RedisFailures
			.bounded(this.firstConnection.guard(this.redis.convertAndSend(this.channel, BusEventCodec.encode(event))),
					this.timeout, "publish on the bus")
			.then();
	}

	@Override
	public Disposable subscribe(BusListener listener) {
		return this.listeners.add(listener);
	}

	@Override
	public boolean isConnected() {
		return this.connected;
	}

	@Override
	public void close() {
		this.lifecycle.dispose();
	}

	private void onSubscribed() {
		boolean again = this.subscribedOnce;
		this.subscribedOnce = true;
		this.lastProbeAt = now();
		if (!this.connected) {
			this.connected = true;
			logger.info("evstream's Redis bus is {} to channel '{}'", again ? "subscribed again" : "subscribed",
					this.channel);
		}
		this.firstSubscription.tryEmitEmpty();
		// the first time too: listeners may have read (or failed to read) before it
		resync();
	}

	private void onSubscriptionFailed(Throwable failure) {
		if (!this.subscribedOnce && !this.waitLogged) {
			this.waitLogged = true;
			logger.warn("evstream's Redis bus cannot subscribe yet and keeps trying: {}", failure.toString());
		}
		if (this.connected) {
			this.connected = false;
			logger.warn("evstream's Redis bus lost its subscription and retries: {}", failure.toString());
		}
	}

	private void onMessage(String payload) {
		if (payload.startsWith(PROBE)) {
			onProbe(payload);
			return;
		}
		BusEvent event;
		try {
			event = BusEventCodec.decode(payload);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Ignored a message on evstream's bus channel '{}' that is not a bus event: {}", this.channel,
					ex.getMessage());
			return;
		}
		this.listeners.deliver(event);
	}

	private Mono<Void> probe() {
		long now = now();
		if (this.connected && now - this.lastProbeAt > 3 * this.probeInterval.toMillis()) {
			this.connected = false;
			logger.warn("evstream's Redis bus has received nothing for {} ms: it is disconnected",
					now - this.lastProbeAt);
		}
		long number = ++this.probesSent;
		return this.firstConnection
			.guard(this.redis.convertAndSend(this.channel, PROBE + this.instance + "\n" + number))
			.timeout(this.timeout)
			.then(readEpoch())
			.doOnNext((lost) -> {
				// a Redis that restarted empty faster than a probe interval shows no gap
				if (lost) {
					notifyResync();
				}
			})
			.then()
			.onErrorResume((ex) -> Mono.empty());
	}

	private void onProbe(String payload) {
		int separator = payload.indexOf('\n', PROBE.length());
		if (separator < 0 || !payload.regionMatches(PROBE.length(), this.instance, 0, separator - PROBE.length())
				|| separator - PROBE.length() != this.instance.length()) {
			return;
		}
		long number = Long.parseLong(payload.substring(separator + 1));
		long previous = this.lastProbeReceived;
		this.lastProbeReceived = number;
		this.lastProbeAt = now();
		boolean wasConnected = this.connected;
		this.connected = true;
		if (!wasConnected) {
			logger.info("evstream's Redis bus receives again on channel '{}'", this.channel);
			resync();
		}
		else if (previous >= 0 && number != previous + 1) {
			logger.info("evstream's Redis bus missed messages: it resyncs");
			resync();
		}
	}

	/**
	 * Tells the listeners to resync, after telling them that Redis lost its data if its
	 * epoch changed; if the epoch cannot be read, the next probe reads it.
	 */
	private void resync() {
		readEpoch().subscribe(null, (ex) -> notifyResync(), this::notifyResync);
	}

	/**
	 * Reads Redis's epoch and, if it changed since the last read, tells the listeners
	 * that Redis lost its data.
	 * @return whether it changed
	 */
	private Mono<Boolean> readEpoch() {
		String fresh = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		return this.firstConnection
			.guard(this.redis.execute(RedisScripts.BUS_EPOCH, List.of(this.epochKey), List.of(fresh)).next())
			.timeout(this.timeout)
			.map((current) -> {
				String known = this.epoch.getAndSet(current);
				boolean lost = known != null && !known.equals(current);
				if (lost) {
					notifyDataLost();
				}
				return lost;
			});
	}

	private void notifyDataLost() {
		logger.warn("Redis lost evstream's data (its epoch changed): listeners of channels it held are reset");
		this.listeners.dataLost();
	}

	private void notifyResync() {
		this.listeners.resync();
	}

	private long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

}
