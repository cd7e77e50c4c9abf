package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.bus.DirectMessage;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.databind.ObjectMapper;

/**
 * The registry of this instance's SSE connections and of their channels, as evstream's
 * {@code EvStreamManager}: it opens streams within its limits, sends messages to channels
 * and to single connections, keeps connections alive with heartbeats, and resumes streams
 * from their last event id.
 * <p>
 * Messages sent to a channel go through the {@link ChannelHistory}, which gives them
 * their position and publishes them on the {@link dev.evstream.core.bus.EventBus bus}, so
 * every instance's listeners receive each message once, in order, encoded once per
 * instance.
 * <p>
 * Thread-safe; no method blocks.
 *
 * @since 0.1.0
 */
public final class EvStreamManager implements AutoCloseable {

	/**
	 * Default connection limit, as evstream.
	 */
	public static final int DEFAULT_MAX_CONNECTIONS = 5000;

	/**
	 * Default limit of listeners per channel, as evstream.
	 */
	public static final int DEFAULT_MAX_LISTENERS = 5000;

	/**
	 * Default limit of channels per connection.
	 */
	public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 32;

	/**
	 * Most channels one connection may listen to, so that its event id stays under 1 KB.
	 */
	public static final int MAX_CHANNELS_PER_CONNECTION = 48;

	/**
	 * Default heartbeat interval.
	 */
	public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

	/**
	 * Default reconnection delay sent to clients.
	 */
	public static final Duration DEFAULT_RETRY = Duration.ofSeconds(3);

	/**
	 * Default number of events that may wait to be written to one connection.
	 */
	public static final int DEFAULT_BUFFER_SIZE = 1024;

	/**
	 * Default limit of channels in use (listened to, or carrying a state) on one
	 * instance.
	 */
	public static final int DEFAULT_MAX_CHANNELS = 100_000;

	/**
	 * Default time within which an open stream must start being written.
	 */
	public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(5);

	private static final Logger logger = Loggers.getLogger(EvStreamManager.class);

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

	private final Duration retry;

	private final Duration closeTimeout;

	private final Duration heartbeatPeriod;

	private final Backend backend;

	private final Engine engine;

	private final StreamRegistry registry;

	private final Disposable busSubscription;

	private final Disposable heartbeat;

	private volatile boolean closed;

	private EvStreamManager(Builder builder) {
		this.retry = builder.retry;
		this.closeTimeout = builder.closeTimeout;
		this.heartbeatPeriod = builder.heartbeat;
		this.backend = Objects.requireNonNull(builder.backend, "'backend' must be set");
		this.engine = new Engine(this.backend.channelHistory(), builder.metrics,
				new SseEncoder(Objects.requireNonNull(builder.jsonMapper, "'jsonMapper' must be set")),
				builder.bufferSize, builder.scheduler);
		this.registry = new StreamRegistry(this.engine, new StreamRegistry.Limits(builder.maxConnections,
				builder.maxListeners, builder.maxChannelsPerConnection, builder.maxChannels, builder.claimTimeout),
				builder.idPrefix);
		this.busSubscription = this.backend.bus().subscribe(this.registry);
		long period = builder.heartbeat.toMillis();
		this.heartbeat = builder.scheduler.schedulePeriodically(() -> this.registry.tick(this.closeTimeout), period,
				period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts a builder.
	 * @return a builder with evstream's defaults
	 */
	public static Builder builder() {
		return new Builder();
	}

	// ---- streams

	/**
	 * Opens a stream, as evstream's {@code createStream}: it listens to nothing and sends
	 * nothing until told to. Its {@link EvStream#output()} is what the HTTP layer writes;
	 * a stream whose output nobody subscribes to within the claim timeout (its request
	 * was abandoned) is closed, so that it cannot hold its slot.
	 * @return the stream
	 * @throws EvMaxConnectionsException if the connection limit is reached
	 * @throws EvShutdownException if the manager is shutting down
	 */
	public EvStream createStream() {
		return createStream(EvPrincipal.anonymous());
	}

	/**
	 * Opens a stream for a principal.
	 * @param principal who opens it
	 * @return the stream
	 * @throws EvMaxConnectionsException if the connection limit is reached
	 * @throws EvShutdownException if the manager is shutting down
	 */
	public EvStream createStream(EvPrincipal principal) {
		Objects.requireNonNull(principal, "'principal' must not be null");
		EvStream stream = this.registry.open(principal);
		this.registry.closeIfUnclaimedLater(stream);
		return stream;
	}

	/**
	 * Opens a stream the way the starter's endpoint does: {@code retry}, then
	 * {@code connected} with the connection id and its channels, then the current value
	 * of each state among them, then, when resuming, exactly the messages the client
	 * missed (or a {@code reset} for a channel where that is impossible), then live
	 * events. Every event that carries a message or a state has an id that resumes all
	 * the channels.
	 * <p>
	 * Cold: the stream is opened when the {@code Mono} is subscribed, and the
	 * {@code Mono} completes once the stream knows its position in every channel (or
	 * after two seconds if the backend is slow to say). Cancelling it before it emits
	 * closes the stream; once emitted, the stream is the subscriber's to write, within
	 * the claim timeout, counted from then. Errors, before any event is queued, with
	 * {@link IllegalArgumentException} for bad channels, {@link EvLimitException} when a
	 * limit is reached and {@link EvShutdownException} when shutting down. A
	 * {@code lastEventId} that cannot be read is not an error: every channel is reset.
	 * @param request the channels, the last event id and the principal
	 * @return the open stream
	 */
	public Mono<EvStream> connect(EvConnectRequest request) {
		Objects.requireNonNull(request, "'request' must not be null");
		return Mono.defer(() -> {
			List<String> names;
			try {
				names = checkChannels(request.channels());
			}
			catch (IllegalArgumentException ex) {
				this.engine.metrics.connectionRejected(StreamMetrics.Rejection.BAD_REQUEST);
				throw ex;
			}
			Map<String, Long> positions = null;
			boolean invalidId = false;
			if (request.lastEventId() != null) {
				positions = EventIds.parse(request.lastEventId());
				invalidId = (positions == null);
			}
			EvStream stream = this.registry.open(request.principal());
			try {
				stream.connection.offerBytes(SseEncoder.retry(this.retry));
				stream.connection.offerIdentified(connectedEvent(stream, names));
				Set<String> ambiguous = (positions != null) ? ambiguousTokens(names) : Set.of();
				for (String name : names) {
					String token = EventIds.token(name);
					Long from = (positions != null && !ambiguous.contains(token)) ? positions.get(token) : null;
					if (invalidId || ambiguous.contains(token)) {
						stream.connection.offerIdentified(ControlFrames.reset(name, ResetReason.INVALID_ID));
						this.engine.metrics.resumed(StreamMetrics.ResumeOutcome.RESET);
					}
					this.registry.listen(stream, name, from);
				}
			}
			catch (RuntimeException ex) {
				if (ex instanceof EvMaxListenersException) {
					this.engine.metrics.connectionRejected(StreamMetrics.Rejection.MAX_LISTENERS);
				}
				else if (ex instanceof EvMaxChannelsException) {
					this.engine.metrics.connectionRejected(StreamMetrics.Rejection.MAX_CHANNELS);
				}
				stream.release(true);
				return Mono.error(ex);
			}
			AtomicBoolean delivered = new AtomicBoolean();
			return stream.ready().timeout(READY_TIMEOUT, Mono.empty()).thenReturn(stream).doOnNext((opened) -> {
				delivered.set(true);
				// from delivery: positioning the channels may take a while
				this.registry.closeIfUnclaimedLater(opened);
			}).doOnCancel(() -> {
				// abandoned before anyone could write it; after delivery, a stream
				// nobody writes is closed by the claim timeout
				if (!delivered.get()) {
					stream.release(true);
				}
			});
		});
	}

	/**
	 * Checks the channels a client asks for, as {@link #connect} does, so that an
	 * endpoint can refuse a bad request before it authenticates anyone.
	 * @param requested the channels, in order
	 * @return the distinct channels, in order
	 * @throws IllegalArgumentException if there is none, a name is invalid, or there are
	 * more than the limit per connection
	 */
	public List<String> checkChannels(List<String> requested) {
		if (requested.isEmpty()) {
			throw new IllegalArgumentException("At least one channel is required");
		}
		Set<String> names = new LinkedHashSet<>();
		for (String name : requested) {
			names.add(ChannelNames.check(name));
		}
		int max = this.registry.limits().maxChannelsPerConnection();
		if (names.size() > max) {
			throw new IllegalArgumentException("At most " + max + " channels may be listened to on one connection, but "
					+ names.size() + " were asked for");
		}
		return new ArrayList<>(names);
	}

	private static Set<String> ambiguousTokens(List<String> names) {
		Set<String> seen = new LinkedHashSet<>();
		Set<String> ambiguous = new LinkedHashSet<>();
		for (String name : names) {
			String token = EventIds.token(name);
			if (!seen.add(token)) {
				ambiguous.add(token);
			}
		}
		return ambiguous;
	}

	private byte[] connectedEvent(EvStream stream, List<String> names) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("connectionId", stream.id());
		data.put("channels", names);
		// clients that watch for a silent connection need the period
		data.put("heartbeat", this.heartbeatPeriod.toMillis());
		return SseEncoder.encode(null, "connected", this.engine.encoder.dataText(data));
	}

	// ---- messages

	/**
	 * Sends a message to every listener of a channel, on every instance, as evstream's
	 * {@code send}. The message is given the channel's next position and kept in its
	 * history, so clients that reconnect receive it too.
	 * <p>
	 * Acts when called, even if the result is never subscribed. The {@code Mono}
	 * completes once the message is accepted, or fails, for example with
	 * {@link EvUnavailableException} when the backend cannot be reached; it replays its
	 * outcome to every subscriber. Since the outcome is cached, {@code send(…).retry(3)}
	 * replays a failure and never sends again: to retry, call {@code send} again, for
	 * example
	 * {@code Mono.defer(() -> manager.send(channel, message)).retryWhen(Retry.backoff(3, delay))},
	 * knowing that a message whose acknowledgement was lost may then be sent twice.
	 * @param channel the channel
	 * @param message the message, without an id
	 * @return the outcome
	 * @throws IllegalArgumentException if the channel name is invalid, the message has an
	 * id, the channel carries a state or belongs to a model (a collection, an event log
	 * or a record set), or the data cannot be written as JSON
	 */
	public Mono<Void> send(String channel, EvMessage message) {
		ChannelNames.check(channel);
		Objects.requireNonNull(message, "'message' must not be null");
		if (message.id() != null) {
			throw new IllegalArgumentException("Messages sent to a channel get their id from evstream, "
					+ "which clients resume from; leave the id of the message null");
		}
		if (isClaimed(channel)) {
			throw new IllegalArgumentException("Channel '" + channel
					+ "' belongs to a model (a collection, an event log or a record set); change it through that model");
		}
		Channel existing = this.registry.channel(channel);
		if (existing != null && existing.hasState()) {
			throw new IllegalArgumentException(
					"Channel '" + channel + "' carries a state; change it with EvState.set instead");
		}
		String data = this.engine.encoder.dataText(message.data());
		Mono<Void> append = this.engine.history.append(channel, message.event(), data)
			.doOnNext((sequence) -> this.engine.metrics.messagePublished(channel))
			.then();
		return actNow(append, "send to channel " + channel);
	}

	/**
	 * Sends a message to one connection, wherever it is held, as evstream's {@code to}.
	 * Does nothing if no instance holds the connection. Acts when called; the
	 * {@code Mono} completes once the message is handed over, and replays that outcome to
	 * every subscriber: retrying it does not send again (call {@code to} again for that,
	 * as with {@link #send}).
	 * @param connectionId the connection id
	 * @param message the message
	 * @return the outcome
	 * @throws IllegalArgumentException if the data cannot be written as JSON
	 */
	public Mono<Void> to(String connectionId, EvMessage message) {
		Objects.requireNonNull(connectionId, "'connectionId' must not be null");
		Objects.requireNonNull(message, "'message' must not be null");
		EvStream local = this.registry.get(connectionId);
		if (local != null) {
			local.message(message);
			return Mono.empty();
		}
		DirectMessage direct = new DirectMessage(connectionId, message.event(),
				this.engine.encoder.dataText(message.data()), message.id());
		return actNow(this.backend.bus().publish(direct), "send to connection " + connectionId);
	}

	/**
	 * Returns an open stream of this instance by its id, to change its channels on behalf
	 * of its client (as the starter's {@code POST {evstream.path}/subscriptions} does).
	 * @param connectionId the connection id
	 * @return the stream, or {@code null} if this instance holds no open stream with that
	 * id (another instance may hold it)
	 */
	public @Nullable EvStream findStream(String connectionId) {
		Objects.requireNonNull(connectionId, "'connectionId' must not be null");
		EvStream stream = this.registry.get(connectionId);
		return (stream != null && !stream.isClosed()) ? stream : null;
	}

	private static <T> Mono<T> actNow(Mono<T> action, String what) {
		Mono<T> outcome = action.cache();
		outcome.subscribe(null, (ex) -> logger.debug("Could not {}: {}", what, ex.toString()));
		return outcome;
	}

	// ---- counts

	/**
	 * Returns the number of open connections on this instance.
	 * @return the connection count
	 */
	public int connectionCount() {
		return this.registry.connectionCount();
	}

	/**
	 * Returns the number of listeners of a channel on this instance.
	 * @param channel the channel
	 * @return the listener count, zero for an unknown channel
	 */
	public int listenerCount(String channel) {
		Channel known = this.registry.channel(channel);
		return (known != null) ? known.listenerCount() : 0;
	}

	/**
	 * Returns the listener count of every channel that has listeners on this instance.
	 * @return channel names and their listener counts
	 */
	public Map<String, Integer> listenerCounts() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (Channel channel : this.registry.channels()) {
			int count = channel.listenerCount();
			if (count > 0) {
				counts.put(channel.name, count);
			}
		}
		return counts;
	}

	/**
	 * Returns the number of channels in use on this instance: listened to, or carrying a
	 * state.
	 * @return the channel count
	 */
	public int channelCount() {
		return this.registry.channelCount();
	}

	/**
	 * Returns the connection limit.
	 * @return the maximum number of connections
	 */
	public int maxConnections() {
		return this.registry.limits().maxConnections();
	}

	/**
	 * Returns the limit of listeners per channel.
	 * @return the maximum number of listeners of one channel
	 */
	public int maxListeners() {
		return this.registry.limits().maxListeners();
	}

	// ---- engine side

	/**
	 * Returns the backend this manager shares with the models built on it, such as the
	 * {@link EvStateManager} and collections.
	 * @return the backend
	 */
	public Backend backend() {
		return this.backend;
	}

	/**
	 * Returns the metrics this manager records to, which the models built on it share.
	 * @return the metrics
	 */
	public StreamMetrics metrics() {
		return this.engine.metrics;
	}

	/**
	 * Gives a model the channels whose names start with {@code <prefix>/}: a listener
	 * that joins one starts from the model's snapshot, and {@link #send} refuses them,
	 * since only the model may append to them. Claim before any client listens to them.
	 * @param prefix the first segment of the channels' names, such as a collection's
	 * stream name
	 * @param snapshots how the model reads a channel's snapshot
	 * @throws IllegalStateException if another model claimed the prefix
	 */
	public void claimChannels(String prefix, ChannelSnapshots snapshots) {
		Objects.requireNonNull(prefix, "'prefix' must not be null");
		Objects.requireNonNull(snapshots, "'snapshots' must not be null");
		if (prefix.isEmpty() || prefix.indexOf('/') >= 0) {
			throw new IllegalArgumentException(
					"A claimed prefix is one segment of a channel name, but was '" + prefix + "'");
		}
		this.engine.claim(prefix + "/", snapshots);
	}

	/**
	 * Gives a model one channel, as {@link #claimChannels} gives it those under a prefix.
	 * @param channel the channel, such as an event log's name
	 * @param snapshots how the model reads the channel's snapshot
	 * @throws IllegalStateException if another model claimed the channel
	 */
	public void claimChannel(String channel, ChannelSnapshots snapshots) {
		ChannelNames.check(channel);
		Objects.requireNonNull(snapshots, "'snapshots' must not be null");
		if (channel.indexOf('/') >= 0) {
			throw new IllegalArgumentException("A channel claimed whole has no '/', but was '" + channel + "'");
		}
		this.engine.claim(channel, snapshots);
	}

	/**
	 * Returns whether a channel carries a state on this instance: every instance serves
	 * every state, declared here or not.
	 * @param channel the channel
	 * @return whether the channel carries a state
	 */
	public boolean carriesState(String channel) {
		Channel existing = this.registry.channel(channel);
		return existing != null && existing.hasState();
	}

	/**
	 * Tells one watcher, such as the presence model, whenever a connection of this
	 * instance starts or stops listening to a channel. Watch before clients connect.
	 * @param membership the watcher, which must not block
	 * @throws IllegalStateException if membership is watched already
	 */
	public void watchMembership(ChannelMembership membership) {
		this.engine.watchMembership(Objects.requireNonNull(membership, "'membership' must not be null"));
	}

	/**
	 * Returns whether a model claimed a channel with {@link #claimChannels} or
	 * {@link #claimChannel}.
	 * @param channel the channel
	 * @return whether the channel belongs to a model
	 */
	public boolean isClaimed(String channel) {
		return this.engine.snapshotsOf(channel) != null;
	}

	StreamRegistry registry() {
		return this.registry;
	}

	Engine engine() {
		return this.engine;
	}

	/**
	 * Shuts down gracefully: refuses new streams, ends every open one with {@code end}
	 * after what it has queued (with a {@code retry} hint, so that its client reconnects,
	 * to another instance), and waits for them to be written. Cold; completes once every
	 * stream is done or the grace period is over, when those left are aborted. Signals on
	 * the manager's scheduler.
	 * @param grace the longest wait
	 * @return completion of the shutdown
	 */
	public Mono<Void> shutdown(Duration grace) {
		Objects.requireNonNull(grace, "'grace' must not be null");
		return Mono.defer(() -> {
			List<EvStream> open = endAll();
			Scheduler scheduler = this.engine.scheduler();
			return Flux.interval(Duration.ZERO, Duration.ofMillis(20), scheduler)
				.filter((tick) -> open.stream().allMatch((stream) -> stream.connection.isDone()))
				.next()
				.timeout(grace, scheduler)
				.onErrorResume(TimeoutException.class, (ex) -> {
					long now = this.engine.now();
					open.forEach((stream) -> stream.connection.abortIfStalled(stream.id(), now, 0));
					return Mono.empty();
				})
				.then();
		});
	}

	/**
	 * Closes: refuses new streams, ends every open one with {@code end}, and stops the
	 * heartbeat and the bus subscription. Prefer {@link #shutdown(Duration)} first, which
	 * waits for the last events to be written.
	 */
	@Override
	public void close() {
		this.closed = true;
		endAll();
		this.heartbeat.dispose();
		this.busSubscription.dispose();
	}

	/**
	 * Accepts new streams again after {@link #shutdown(Duration)}, for an application
	 * that is started again after it was stopped (a Spring context stopped and started,
	 * as the test framework does with the contexts it caches). Streams that shutdown
	 * ended stay ended; their clients reconnect. A no-op when not shut down.
	 * @throws IllegalStateException if the manager was closed
	 */
	public void resume() {
		if (this.closed) {
			throw new IllegalStateException("The manager was closed: build a new one");
		}
		this.registry.acceptNewStreams();
	}

	/**
	 * Returns whether the manager is shutting down or shut down.
	 * @return whether new streams are refused
	 */
	public boolean isShutdown() {
		return this.registry.isShutdown();
	}

	/**
	 * Refuses new streams and ends the open ones with {@code end} and a {@code retry}
	 * hint, so that their clients reconnect, to another instance.
	 */
	private List<EvStream> endAll() {
		this.registry.refuseNewStreams();
		List<EvStream> open = this.registry.openStreams();
		byte[] end = ControlFrames.endWithRetry(this.retry);
		for (EvStream stream : open) {
			stream.closeWith(end);
		}
		return open;
	}

	/**
	 * Builds an {@link EvStreamManager}. Only the JSON mapper is required: without a
	 * backend, the manager uses the in-memory one of a single instance.
	 */
	public static final class Builder {

		private int maxConnections = DEFAULT_MAX_CONNECTIONS;

		private int maxListeners = DEFAULT_MAX_LISTENERS;

		private int maxChannelsPerConnection = DEFAULT_MAX_CHANNELS_PER_CONNECTION;

		private int maxChannels = DEFAULT_MAX_CHANNELS;

		private Duration claimTimeout = DEFAULT_CLAIM_TIMEOUT;

		private String idPrefix = "";

		private Duration heartbeat = DEFAULT_HEARTBEAT;

		private Duration retry = DEFAULT_RETRY;

		private int bufferSize = DEFAULT_BUFFER_SIZE;

		private Duration closeTimeout = Duration.ofSeconds(10);

		private @Nullable ObjectMapper jsonMapper;

		private @Nullable Backend backend;

		private Scheduler scheduler = Schedulers.parallel();

		private StreamMetrics metrics = StreamMetrics.NONE;

		private Builder() {
		}

		/**
		 * Sets what records the engine's metrics.
		 * @param metrics the metrics
		 * @return this builder
		 */
		public Builder metrics(StreamMetrics metrics) {
			this.metrics = Objects.requireNonNull(metrics, "'metrics' must not be null");
			return this;
		}

		/**
		 * Sets the connection limit.
		 * @param maxConnections the maximum number of open connections, at least 1
		 * @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = positive("maxConnections", maxConnections);
			return this;
		}

		/**
		 * Sets the limit of listeners per channel.
		 * @param maxListeners the maximum number of listeners of one channel, at least 1
		 * @return this builder
		 */
		public Builder maxListeners(int maxListeners) {
			this.maxListeners = positive("maxListeners", maxListeners);
			return this;
		}

		/**
		 * Sets the limit of channels per connection.
		 * @param maxChannels the maximum number of channels of one connection, from 1 to
		 * {@value #MAX_CHANNELS_PER_CONNECTION}
		 * @return this builder
		 */
		public Builder maxChannelsPerConnection(int maxChannels) {
			positive("maxChannelsPerConnection", maxChannels);
			if (maxChannels > MAX_CHANNELS_PER_CONNECTION) {
				throw new IllegalArgumentException("'maxChannelsPerConnection' must be at most "
						+ MAX_CHANNELS_PER_CONNECTION + " to keep event ids under 1 KB, but was " + maxChannels);
			}
			this.maxChannelsPerConnection = maxChannels;
			return this;
		}

		/**
		 * Sets the limit of channels in use on this instance. A connection that would
		 * listen to one more is refused with {@link EvMaxChannelsException}; states are
		 * counted but never refused.
		 * @param maxChannels the maximum number of channels in use, at least 1
		 * @return this builder
		 */
		public Builder maxChannels(int maxChannels) {
			this.maxChannels = positive("maxChannels", maxChannels);
			return this;
		}

		/**
		 * Sets how long an open stream may wait for its output to be subscribed before it
		 * is closed: the bound on a slot held by a request that was abandoned between
		 * opening the stream and writing it.
		 * @param claimTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder claimTimeout(Duration claimTimeout) {
			this.claimTimeout = positive("claimTimeout", claimTimeout);
			return this;
		}

		/**
		 * Sets the prefix of connection ids, as evstream's {@code id} option.
		 * @param idPrefix the prefix, possibly empty
		 * @return this builder
		 */
		public Builder idPrefix(String idPrefix) {
			Objects.requireNonNull(idPrefix, "'idPrefix' must not be null");
			SseEncoder.checkField("idPrefix", idPrefix);
			this.idPrefix = idPrefix;
			return this;
		}

		/**
		 * Sets the interval of heartbeats, sent to connections that have nothing else to
		 * write.
		 * @param heartbeat the interval, positive
		 * @return this builder
		 */
		public Builder heartbeat(Duration heartbeat) {
			this.heartbeat = positive("heartbeat", heartbeat);
			return this;
		}

		/**
		 * Sets the reconnection delay sent to clients in the {@code retry:} field.
		 * @param retry the delay, positive
		 * @return this builder
		 */
		public Builder retry(Duration retry) {
			this.retry = positive("retry", retry);
			return this;
		}

		/**
		 * Sets how many events may wait to be written to one connection before it is
		 * closed as too slow (its client then resumes from history). State updates
		 * replace older unsent ones and do not add up.
		 * @param bufferSize the number of events, at least 1
		 * @return this builder
		 */
		public Builder bufferSize(int bufferSize) {
			this.bufferSize = positive("bufferSize", bufferSize);
			return this;
		}

		/**
		 * Sets how long a closed connection may take to write its last events before it
		 * is aborted.
		 * @param closeTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder closeTimeout(Duration closeTimeout) {
			this.closeTimeout = positive("closeTimeout", closeTimeout);
			return this;
		}

		/**
		 * Sets the JSON mapper that writes message data: the application's.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(ObjectMapper jsonMapper) {
			this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
			return this;
		}

		/**
		 * Sets the backend shared with the other instances: its bus, its history of
		 * channel messages, and the store of the {@link EvStateManager} built on this
		 * manager.
		 * @param backend the backend
		 * @return this builder
		 */
		public Builder backend(Backend backend) {
			this.backend = Objects.requireNonNull(backend, "'backend' must not be null");
			return this;
		}

		/**
		 * Sets the scheduler of heartbeats, retries and deferred callbacks; tests give a
		 * virtual-time one.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "'scheduler' must not be null");
			return this;
		}

		/**
		 * Builds the manager and starts its heartbeat.
		 * @return the manager
		 * @throws IllegalStateException if no JSON mapper was set
		 */
		public EvStreamManager build() {
			if (this.jsonMapper == null) {
				throw new IllegalStateException("A JSON mapper is required: pass the application's");
			}
			if (this.backend == null) {
				this.backend = new InMemoryBackend();
			}
			return new EvStreamManager(this);
		}

		private static int positive(String name, int value) {
			if (value < 1) {
				throw new IllegalArgumentException("'" + name + "' must be at least 1, but was " + value);
			}
			return value;
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, "'" + name + "' must not be null");
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException("'" + name + "' must be positive, but was " + value);
			}
			return value;
		}

	}

}
