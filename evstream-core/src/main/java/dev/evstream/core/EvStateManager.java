package dev.evstream.core;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.bus.StateChanged;
import dev.evstream.core.bus.StateRemoved;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredState;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Creates, finds and removes {@link EvState states}, and keeps them in step with every
 * other instance, as evstream's {@code EvStateManager}.
 * <p>
 * The {@link StateStore} holds the authoritative value and version of every state; this
 * manager holds the latest version it has seen of each, learns of changes, creations and
 * removals from the {@link dev.evstream.core.bus.EventBus}, and broadcasts each version
 * to the listeners of the state's channel on this instance. An instance that learns of a
 * state it never declared holds it as JSON and serves it all the same.
 * <p>
 * A state created while the store cannot be reached is held on this instance with its
 * initial value: readers and clients get that value, updates fail with
 * {@link EvUnavailableException}, and once the store answers the state joins it, created
 * there if absent, else taking the value the store holds (an instance never resets a
 * stored value).
 * <p>
 * A state ends when it is removed: by {@link #removeState}, {@link #removeAllStates},
 * once its {@link EvStateOptions#ttl time to live} has passed, or when its
 * {@link EvStateOptions#selfDestruct self-destruct rule} says so after a client left. Its
 * listeners on every instance then receive one last event, {@code event: <key>} with
 * {@code data: {"removed":true}}, and nothing more of that life of the state. An expiry
 * or a self-destruct is applied by a conditional removal of that life only, so it happens
 * once however many instances apply it, and never ends the state created again meanwhile.
 * <p>
 * Thread-safe. The {@code Async} methods never block; the others may wait for the store
 * (at most its {@link StateStore#timeout() timeout}), and refuse to on a non-blocking
 * thread unless the store answers at once (as the in-memory one does).
 *
 * @since 0.1.0
 */
public final class EvStateManager implements AutoCloseable {

	private static final Logger logger = Loggers.getLogger(EvStateManager.class);

	private static final SecureRandom random = new SecureRandom();

	private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The prefix of generated state keys.
	 */
	private static final String GENERATED_KEY_PREFIX = "s-";

	private final EvStreamManager streams;

	private final StreamRegistry channels;

	private final StreamMetrics metrics;

	private final Engine engine;

	private final StateStore store;

	private final StateCodec codec;

	private final ConcurrentMap<String, StateCell> cells = new ConcurrentHashMap<>();

	// the options of states declared here with rules for clients, by key; they outlive a
	// removal, so a state created again elsewhere keeps this instance's rules
	private final ConcurrentMap<String, EvStateOptions> clientRules = new ConcurrentHashMap<>();

	// expiries and self-destruct rules: when states end by themselves
	private final StateLifecycles lifecycles;

	private final Disposable busSubscription;

	private final Mono<Void> loaded;

	/**
	 * Creates a manager of the states of a stream manager's backend, whose listeners
	 * receive them.
	 * @param streams the stream manager
	 * @param jsonMapper the application's JSON mapper
	 */
	public EvStateManager(EvStreamManager streams, ObjectMapper jsonMapper) {
		this.streams = Objects.requireNonNull(streams, "'streams' must not be null");
		this.channels = streams.registry();
		this.engine = streams.engine();
		this.metrics = this.engine.metrics;
		this.store = streams.backend().stateStore();
		this.codec = new StateCodec(Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null"));
		// before the bus and the first load, which tell it of states and leaves
		this.lifecycles = new StateLifecycles(this.engine, streams.backend(), this.cells::get);
		this.busSubscription = streams.backend().bus().subscribe(new Listener());
		this.loaded = reload().cache();
		this.loaded.subscribe(null,
				(ex) -> logger.warn("Could not load the states of the store yet: {}", ex.toString()));
	}

	/**
	 * Completes once the states already in the store are known to this instance. Errors
	 * if the store could not be read; the manager keeps trying when its bus reconnects.
	 * @return completion of the initial load
	 */
	public Mono<Void> ready() {
		return this.loaded;
	}

	// ---- create

	/**
	 * Creates a state, or finds the existing one, as evstream's {@code createState}: an
	 * instance that joins late adopts the current value, never resets it. The type of the
	 * state is the class of the initial value ({@code List}, {@code Set} or {@code Map}
	 * for collections); use the overloads with a type for generic values.
	 * <p>
	 * Cold and non-blocking: nothing happens until subscribed; the {@code Mono} emits
	 * once the store answered, on the store's thread, and cancelling it leaves a state
	 * that was created in the store there. Errors with {@link IllegalArgumentException}
	 * for a bad key, value or data key. If the store cannot be reached within its
	 * timeout, it emits the state holding its initial value on this instance, which
	 * refuses writes until the store answers.
	 * @param <T> the type of the value
	 * @param key the key of the state, which is also its channel
	 * @param initialValue the value if the state is new
	 * @return the state
	 */
	@SuppressWarnings("unchecked")
	public <T> Mono<EvState<T>> createState(String key, T initialValue) {
		Objects.requireNonNull(initialValue, "'initialValue' must not be null; give the type of a null value");
		return create(key, this.codec.typeOf(initialValue), initialValue, EvStateOptions.defaults())
			.map((state) -> (EvState<T>) state);
	}

	/**
	 * Creates a state of a given type, or finds the existing one, as
	 * {@link #createState(String, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @return the state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(String key, Class<T> type, T initialValue) {
		return createState(key, type, initialValue, EvStateOptions.defaults());
	}

	/**
	 * Creates a state of a given type, broadcast with given options, or finds the
	 * existing one, as {@link #createState(String, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @param options how the state is broadcast
	 * @return the state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(String key, Class<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return create(key, this.codec.type(type), initialValue, options);
	}

	/**
	 * Creates a state of a generic type, or finds the existing one, as
	 * {@link #createState(String, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @param options how the state is broadcast
	 * @return the state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(String key, TypeReference<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return create(key, this.codec.type(type), initialValue, options);
	}

	/**
	 * Creates a state under a new key, generated to be unique across instances, as
	 * server-state-sync's {@code createState} without an identifier; the state tells its
	 * key with {@link EvState#key()}. Otherwise as {@link #createState(String, Object)}:
	 * each subscription creates another state.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @return the new state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(Class<T> type, T initialValue) {
		return createState(type, initialValue, EvStateOptions.defaults());
	}

	/**
	 * Creates a state under a new key, broadcast with given options, as
	 * {@link #createState(Class, Object)} does.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @param options how the state is broadcast, and its lifecycle
	 * @return the new state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(Class<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		JavaType javaType = this.codec.type(type);
		return Mono.defer(() -> create(newKey(), javaType, initialValue, options));
	}

	/**
	 * Creates a state of a generic type under a new key, as
	 * {@link #createState(Class, Object)} does.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @param options how the state is broadcast, and its lifecycle
	 * @return the new state
	 */
	public <T extends @Nullable Object> Mono<EvState<T>> createState(TypeReference<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		JavaType javaType = this.codec.type(type);
		return Mono.defer(() -> create(newKey(), javaType, initialValue, options));
	}

	/**
	 * Creates a state under a new key for a caller that may block, as
	 * {@link #createStateBlocking(String, Class, Object)} does; the state tells its key
	 * with {@link EvState#key()}.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @return the new state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(Class<T> type, T initialValue) {
		return createStateBlocking(type, initialValue, EvStateOptions.defaults());
	}

	/**
	 * Creates a state under a new key, broadcast with given options, for a caller that
	 * may block, as {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @param options how the state is broadcast, and its lifecycle
	 * @return the new state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(Class<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return createBlocking(newKey(), this.codec.type(type), initialValue, options);
	}

	/**
	 * Creates a state of a generic type under a new key, for a caller that may block, as
	 * {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param type the type of the value
	 * @param initialValue the initial value
	 * @param options how the state is broadcast, and its lifecycle
	 * @return the new state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(TypeReference<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return createBlocking(newKey(), this.codec.type(type), initialValue, options);
	}

	/**
	 * Creates a state typed by its initial value, or returns the existing one, for a
	 * caller that may block, as {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param initialValue the value if the state is new
	 * @return the state
	 */
	@SuppressWarnings("unchecked")
	public <T> EvState<T> createStateBlocking(String key, T initialValue) {
		Objects.requireNonNull(initialValue, "'initialValue' must not be null; give the type of a null value");
		return (EvState<T>) createBlocking(key, this.codec.typeOf(initialValue), initialValue,
				EvStateOptions.defaults());
	}

	/**
	 * Creates a state, or returns the existing one, for a caller that may block, such as
	 * a {@code @Bean} method that declares it: it waits for the store, but never longer
	 * than ten seconds, after which the state holds its initial value on this instance
	 * until the store answers. Prefer {@link #createState(String, Class, Object)}
	 * anywhere else.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @return the state
	 * @throws IllegalArgumentException if the key is invalid or the value cannot be
	 * written as JSON
	 * @throws IllegalStateException if called on a non-blocking thread, such as an event
	 * loop, while the store has not answered
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(String key, Class<T> type, T initialValue) {
		return createStateBlocking(key, type, initialValue, EvStateOptions.defaults());
	}

	/**
	 * Creates a state broadcast with given options, or returns the existing one, as
	 * {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @param options how the state is broadcast
	 * @return the state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(String key, Class<T> type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return createBlocking(key, this.codec.type(type), initialValue, options);
	}

	/**
	 * Creates a state of a generic type, or returns the existing one, as
	 * {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @return the state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(String key, TypeReference<T> type,
			T initialValue) {
		Objects.requireNonNull(type, "'type' must not be null");
		return createBlocking(key, this.codec.type(type), initialValue, EvStateOptions.defaults());
	}

	/**
	 * Creates a state of a generic type broadcast with given options, or returns the
	 * existing one, as {@link #createStateBlocking(String, Class, Object)} does.
	 * @param <T> the type of the value
	 * @param key the key of the state
	 * @param type the type of the value
	 * @param initialValue the value if the state is new
	 * @param options how the state is broadcast and what clients may do with it
	 * @return the state
	 */
	public <T extends @Nullable Object> EvState<T> createStateBlocking(String key, TypeReference<T> type,
			T initialValue, EvStateOptions options) {
		Objects.requireNonNull(type, "'type' must not be null");
		return createBlocking(key, this.codec.type(type), initialValue, options);
	}

	private <T extends @Nullable Object> Mono<EvState<T>> create(String key, JavaType type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(options, "'options' must not be null");
		return Mono.defer(() -> {
			checkKey(key);
			StateCell existing = this.cells.get(key);
			if (existing != null) {
				return Mono.just(viewOf(existing, type, options));
			}
			return createOrAdopt(initial(key, initialValue, options), type, options);
		});
	}

	private void checkKey(String key) {
		ChannelNames.check(key);
		if (this.streams.isClaimed(key)) {
			throw new IllegalArgumentException("State key '" + key
					+ "' names a channel of another model (a collection, an event log or a record set); one channel carries one kind of model");
		}
	}

	/**
	 * Creates a state for a caller that may block: it waits for the store, but never
	 * longer than the blocking bound, after which the state holds its initial value here
	 * until the store answers, as when the store cannot be reached.
	 */
	private <T extends @Nullable Object> EvState<T> createBlocking(String key, JavaType type, T initialValue,
			EvStateOptions options) {
		Objects.requireNonNull(options, "'options' must not be null");
		checkKey(key);
		StateCell existing = this.cells.get(key);
		if (existing != null) {
			return viewOf(existing, type, options);
		}
		StoredState initial = initial(key, initialValue, options);
		try {
			return await(createOrAdopt(initial, type, options));
		}
		catch (StoreTimeoutException ex) {
			return viewOf(adoptProvisionally(initial, new EvUnavailableException(ex.getMessage(), ex)), type, options);
		}
	}

	private StoredState initial(String key, @Nullable Object initialValue, EvStateOptions options) {
		String json = this.codec.write(this.codec.tree(initialValue, key));
		long now = this.engine.now();
		long expiresAt = StateLifecycles.expiresAt(now, options.ttl());
		return new StoredState(key, 1, json, options.dataKey(), StateIncarnation.create(now, expiresAt));
	}

	private <T extends @Nullable Object> Mono<EvState<T>> createOrAdopt(StoredState initial, JavaType type,
			EvStateOptions options) {
		Mono<StoredState> create = this.store.create(initial);
		Duration timeout = this.store.timeout();
		if (timeout != null) {
			// the store's own bound, kept here too: a store that fails to keep it cannot
			// hold up an application declaring its states
			create = create.timeout(timeout);
		}
		return create.onErrorMap((ex) -> unavailable("create state '" + initial.key() + "'", ex))
			.<EvState<T>>map((stored) -> viewOf(adopt(stored), type, options))
			.onErrorResume(EvUnavailableException.class,
					(ex) -> Mono.fromCallable(() -> this.<T>viewOf(adoptProvisionally(initial, ex), type, options)));
	}

	/**
	 * Holds a state the store could not be asked about: this instance serves its initial
	 * value and refuses its updates until the store answers, then adopts the value the
	 * store holds, or creates it there if absent (see {@link #reconcile}).
	 */
	private StateCell adoptProvisionally(StoredState initial, EvUnavailableException ex) {
		StateCell created = new StateCell(this, initial, true);
		StateCell existing = this.cells.putIfAbsent(initial.key(), created);
		if (existing != null) {
			return existing;
		}
		logger.warn("State '{}' holds its initial value on this instance until the state store answers: {}",
				initial.key(), ex.getMessage());
		this.channels.publishState(created.frame());
		return created;
	}

	private <T extends @Nullable Object> EvState<T> viewOf(StateCell cell, JavaType type, EvStateOptions options) {
		String dataKey = cell.stored().dataKey();
		if (!dataKey.equals(options.dataKey())) {
			throw new IllegalArgumentException(
					"State '" + cell.key + "' exists with data key '" + dataKey + "', not '" + options.dataKey() + "'");
		}
		if (options.hasClientRules()) {
			EvStateOptions rules = this.clientRules.putIfAbsent(cell.key, options);
			if (rules != null && rules != options) {
				throw new IllegalArgumentException("State '" + cell.key
						+ "' was declared with other rules for clients: declare it once, or with the same options");
			}
		}
		this.lifecycles.declare(cell, options);
		TypedEvState<T> view = cell.declare(type);
		view.get();
		return view;
	}

	/**
	 * Returns a new key: 128 random bits, so that no two instances ever make the same, in
	 * characters valid in a channel name.
	 */
	static String newKey() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return GENERATED_KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	// ---- find and remove

	/**
	 * Returns a state known to this instance. A state declared here is returned with its
	 * type; one learned from another instance is returned as a {@link JsonNode}.
	 * @param key the key
	 * @return the state, or {@code null} if none is known
	 */
	public @Nullable EvState<?> getState(String key) {
		StateCell cell = this.cells.get(key);
		if (cell == null) {
			return null;
		}
		TypedEvState<?> declared = cell.declared();
		return (declared != null) ? declared : cell.view(this.codec.type(JsonNode.class));
	}

	/**
	 * Returns a state known to this instance, seen as a given type.
	 * @param <T> the type of the value
	 * @param key the key
	 * @param type the type to read the value as
	 * @return the state, or {@code null} if none is known
	 */
	public <T> @Nullable EvState<T> getState(String key, Class<T> type) {
		StateCell cell = this.cells.get(key);
		return (cell != null) ? cell.view(this.codec.type(type)) : null;
	}

	/**
	 * Returns whether a state is known to this instance.
	 * @param key the key
	 * @return whether the state exists
	 */
	public boolean hasState(String key) {
		return this.cells.containsKey(key);
	}

	/**
	 * Returns the keys of every state known to this instance.
	 * @return the keys, sorted
	 */
	public Set<String> stateKeys() {
		return new TreeSet<>(this.cells.keySet());
	}

	/**
	 * Removes a state on every instance, as evstream's {@code removeState}: it stops
	 * broadcasting, and its updates fail with {@link EvStateRemovedException}. Its
	 * listeners stay on the channel and receive the state again if it is created again.
	 * <p>
	 * Acts when called; the {@code Mono} tells whether the state existed, or fails with
	 * {@link EvUnavailableException}.
	 * @param key the key
	 * @return whether the state existed
	 */
	public Mono<Boolean> removeState(String key) {
		ChannelNames.check(key);
		Mono<Boolean> outcome = this.store.remove(key)
			.onErrorMap((ex) -> unavailable("remove state '" + key + "'", ex))
			.cache();
		outcome.subscribe(null, (ex) -> logger.debug("Could not remove state '{}': {}", key, ex.toString()));
		return outcome;
	}

	/**
	 * Removes every state of the store, on every instance, as server-state-sync's
	 * {@code removeAllStates}: those declared on other instances too. Each ends as
	 * {@link #removeState} ends one, with its last event to its listeners. A state
	 * created while this runs may be left; one held only here because the store could not
	 * be reached when it was declared is not in the store, and is left.
	 * <p>
	 * Acts when called; the {@code Mono} emits how many states it removed once every
	 * removal is done, on the store's thread, or fails with
	 * {@link EvUnavailableException} (states removed before the failure stay removed).
	 * Cancelling it does not stop the removals.
	 * @return the number of states removed
	 */
	public Mono<Long> removeAllStates() {
		Mono<Long> outcome = this.store.getAll()
			.flatMap((stored) -> this.store.remove(stored.key(), stored.incarnation()), 16)
			.filter(Boolean::booleanValue)
			.count()
			.onErrorMap((ex) -> unavailable("remove all states", ex))
			.cache();
		outcome.subscribe(null, (ex) -> logger.debug("Could not remove all states: {}", ex.toString()));
		return outcome;
	}

	// ---- writes and rules for clients

	/**
	 * Returns whether a principal may use a channel as far as states go: a channel that
	 * is no state, or a state declared here without a rule, allows everyone; otherwise
	 * the state's {@link EvStateOptions#allowConnectingClient rule} decides.
	 * @param principal who asks
	 * @param channel the channel
	 * @return whether the principal may listen to it
	 */
	public boolean allowsClient(EvPrincipal principal, String channel) {
		Objects.requireNonNull(principal, "'principal' must not be null");
		EvStateOptions rules = this.clientRules.get(channel);
		return rules == null || rules.allowsClient(principal);
	}

	/**
	 * Applies a JSON merge patch (RFC 7396) sent by a client, as the starter's
	 * {@code POST {evstream.path}/states/{key}} does: the state must be declared on this
	 * instance {@link EvStateOptions#withClientWrites() with client writes}, allow the
	 * principal, and its interceptor decides what is applied. The patch is applied with
	 * compare-and-set, so no concurrent write is lost, and a retried operation id is
	 * applied once; the broadcast of the version it makes carries the operation id.
	 * <p>
	 * Acts when called. The {@code Mono} emits the state after the write, or fails with
	 * {@link EvStateNotFoundException}, {@link EvStateAccessDeniedException},
	 * {@link EvStateUpdateRefusedException} (refused, or the result would not be of the
	 * state's type), {@link IllegalArgumentException} for a bad operation id,
	 * {@link EvStateRemovedException} or {@link EvUnavailableException}; nothing is
	 * stored on failure.
	 * @param key the key of the state
	 * @param patch the merge patch
	 * @param principal who writes
	 * @param operationId the client's id of this write, {@code [A-Za-z0-9_.:-]{1,64}}, or
	 * {@code null}
	 * @return the state after the write
	 */
	public Mono<EvStateVersion> patchFromClient(String key, JsonNode patch, EvPrincipal principal,
			@Nullable String operationId) {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(patch, "'patch' must not be null");
		Objects.requireNonNull(principal, "'principal' must not be null");
		try {
			OperationIds.check(operationId);
			StateCell cell = this.cells.get(key);
			if (cell == null) {
				throw new EvStateNotFoundException(key);
			}
			EvStateOptions rules = this.clientRules.get(key);
			if (rules == null || !rules.clientWrites()) {
				throw new EvStateAccessDeniedException("State '" + key + "' does not accept writes from clients");
			}
			if (!rules.allowsClient(principal)) {
				throw new EvStateAccessDeniedException("Not allowed to use state '" + key + "'");
			}
			TypedEvState<?> declared = cell.declared();
			JavaType type = (declared != null) ? declared.type() : this.codec.type(JsonNode.class);
			return cell.patch(intercept(key, rules, patch, principal), type, operationId);
		}
		catch (RuntimeException ex) {
			return Mono.error(ex);
		}
	}

	/**
	 * Applies a merge patch from server code, through the state's interceptor.
	 */
	Mono<EvStateVersion> patch(StateCell cell, JsonNode patch, EvPrincipal principal, JavaType type) {
		try {
			EvStateOptions rules = this.clientRules.get(cell.key);
			JsonNode intercepted = (rules != null) ? intercept(cell.key, rules, patch, principal) : patch;
			return cell.patch(intercepted, type, null);
		}
		catch (RuntimeException ex) {
			return Mono.error(ex);
		}
	}

	private static JsonNode intercept(String key, EvStateOptions rules, JsonNode patch, EvPrincipal principal) {
		JsonNode intercepted = rules.interceptor().intercept(patch.deepCopy(), principal);
		if (intercepted == null) {
			throw new EvStateUpdateRefusedException(key, "the state's interceptor refused it");
		}
		return intercepted;
	}

	// ---- keeping in step with the store

	StateCell adopt(StoredState stored) {
		StateCell created = new StateCell(this, stored);
		StateCell existing = this.cells.putIfAbsent(stored.key(), created);
		if (existing == null) {
			this.channels.publishState(created.frame());
			this.lifecycles.watchExpiry(created);
			return created;
		}
		onStored(existing, stored);
		return existing;
	}

	/**
	 * Takes a version read or written by this instance.
	 */
	void onStored(StateCell cell, StoredState stored) {
		if (cell.isProvisional()) {
			StateFrame confirmed = cell.confirm(stored);
			if (confirmed != null) {
				logger.info("State '{}' joined the state store at version {}", stored.key(), stored.version());
				this.channels.publishState(confirmed);
				this.lifecycles.watchExpiry(cell);
				return;
			}
		}
		if (!cell.stored().sameIncarnation(stored)) {
			onIncarnation(stored);
			return;
		}
		StateFrame frame = cell.apply(stored);
		if (frame != null) {
			this.channels.publishState(frame);
		}
	}

	/**
	 * Replaces whatever this instance holds of a state by a new life of it.
	 */
	void onIncarnation(StoredState stored) {
		StateCell fresh = new StateCell(this, stored);
		StateCell old = this.cells.put(stored.key(), fresh);
		if (old != null) {
			// the removal of the old life was missed (the bus lost it): it ends as a
			// removed state does, so that every life ends with its last event
			ended(old);
		}
		this.channels.publishState(fresh.frame());
		this.lifecycles.watchExpiry(fresh);
	}

	void onRemoved(String key) {
		StateCell cell = this.cells.get(key);
		if (cell == null || cell.isProvisional()) {
			// a provisional state was declared here after that removal: it is created
			// again
			return;
		}
		if (this.cells.remove(key, cell)) {
			ended(cell);
		}
	}

	/**
	 * Ends a life of a state that is no longer in the store: its writes fail from now on,
	 * its listeners get its last event, and its expiry and self-destruct rule go.
	 */
	private void ended(StateCell cell) {
		cell.markRemoved();
		this.channels.endState(cell.removedFrame());
		this.lifecycles.ended(cell);
	}

	long now() {
		return this.engine.now();
	}

	/**
	 * Reads every state of the store and reconciles what this instance holds: newer
	 * versions are adopted, states removed meanwhile are dropped, states the store lost
	 * are put back, and states declared while the store could not be reached are created
	 * there unless they exist, in which case the store's value wins.
	 */
	private Mono<Void> reload() {
		return this.store.getAll().collectList().flatMap(this::reconcile);
	}

	private Mono<Void> reconcile(List<StoredState> all) {
		Set<String> inStore = new HashSet<>();
		List<Mono<Void>> restores = new ArrayList<>();
		for (StoredState stored : all) {
			inStore.add(stored.key());
			StateCell cell = this.cells.get(stored.key());
			if (cell == null) {
				adopt(stored);
			}
			else if (cell.stored().sameIncarnation(stored) && stored.version() < cell.version()) {
				// the store lost versions this instance holds: put the newest back
				restores.add(restore(cell.stored()));
			}
			else {
				onStored(cell, stored);
			}
		}
		for (StateCell cell : this.cells.values()) {
			if (!inStore.contains(cell.key)) {
				restores.add(cell.isProvisional() ? createInStore(cell) : restore(cell.stored()));
			}
			else {
				// an expiry that could not be applied while the store was away is due now
				this.lifecycles.watchExpiry(cell);
			}
		}
		return Mono.when(restores);
	}

	private Mono<Void> createInStore(StateCell provisional) {
		return this.store.create(provisional.stored())
			.doOnNext((stored) -> onStored(provisional, stored))
			.doOnError((ex) -> logger.debug("Could not create state '{}': {}", provisional.key, ex.toString()))
			.onErrorComplete()
			.then();
	}

	private Mono<Void> restore(StoredState held) {
		return this.store.restore(held).doOnNext((stored) -> {
			StateCell cell = this.cells.get(held.key());
			if (cell != null) {
				onStored(cell, stored);
			}
			else {
				adopt(stored);
			}
		})
			.switchIfEmpty(Mono.fromRunnable(() -> onRemoved(held.key())))
			.doOnError((ex) -> logger.debug("Could not restore state '{}': {}", held.key(), ex.toString()))
			.onErrorComplete()
			.then();
	}

	// ---- engine side

	StateStore store() {
		return this.store;
	}

	StateCodec codec() {
		return this.codec;
	}

	StreamMetrics metrics() {
		return this.metrics;
	}

	RuntimeException unavailable(String what, Throwable ex) {
		if (ex instanceof EvException || ex instanceof IllegalArgumentException
				|| ex instanceof IllegalStateException) {
			return (RuntimeException) ex;
		}
		return new EvUnavailableException("Could not " + what + ": the state store did not answer", ex);
	}

	private static <T> T await(Mono<T> mono) {
		CompletableFuture<T> future = mono.toFuture();
		if (!future.isDone() && Schedulers.isInNonBlockingThread()) {
			future.cancel(true);
			throw new IllegalStateException("Creating a state would block the non-blocking thread "
					+ Thread.currentThread().getName() + ": use createState, which returns a Mono");
		}
		try {
			return future.get(BLOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new StoreTimeoutException("The state store did not answer within " + BLOCK_TIMEOUT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the state store", ex);
		}
	}

	/**
	 * Stops following the bus. States stay readable; they are no longer updated.
	 */
	@Override
	public void close() {
		this.busSubscription.dispose();
		this.lifecycles.close();
	}

	private final class Listener implements BusListener {

		@Override
		public void onEvent(BusEvent event) {
			if (event instanceof StateChanged changed) {
				StoredState stored = changed.state();
				StateCell cell = EvStateManager.this.cells.get(stored.key());
				if (cell == null) {
					adopt(stored);
				}
				else {
					onStored(cell, stored);
				}
			}
			else if (event instanceof StateRemoved removed) {
				onRemoved(removed.key());
			}
			else if (event instanceof ChannelMessage message) {
				EvStateManager.this.lifecycles.onPresence(message);
			}
		}

		@Override
		public void onResync() {
			reload().subscribe(null, (ex) -> logger.warn("Could not reload the states: {}", ex.toString()));
		}

	}

	/**
	 * The store did not answer a blocking caller within the blocking bound.
	 */
	private static final class StoreTimeoutException extends IllegalStateException {

		StoreTimeoutException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
