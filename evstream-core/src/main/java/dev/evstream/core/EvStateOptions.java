package dev.evstream.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * How a state is broadcast, and what its clients may do, as server-state-sync's state
 * options. Immutable: each method returns new options.
 * <p>
 * The rules for clients ({@link #clientWrites()}, {@link #allowConnectingClient},
 * {@link #interceptStateUpdate}) hold on the instance that declares the state with them;
 * replicas of one application declare the same states and so apply the same rules.
 * <p>
 * The lifecycle ({@link #ttl}, {@link #selfDestruct}) ends a state by itself, as
 * server-state-sync's: its listeners on every instance receive a last event, {@code data:
 * {"removed":true}}, and its writes fail with {@link EvStateRemovedException}. A time to
 * live is written into the state when it is created, so every instance knows it and one
 * of them applies it; it does not change the time to live of a state that exists already.
 * A self-destruct rule holds on the instances that declare the state with it, for the
 * life of the state they declared.
 *
 * @since 0.1.0
 */
public final class EvStateOptions {

	private static final Predicate<EvPrincipal> ALLOW_ALL = (principal) -> true;

	// "removed" marks the last event of a removed state
	private static final Set<String> RESERVED = Set.of("version", "operationId", "removed");

	private static final EvStateOptions DEFAULTS = new EvStateOptions("value", false, null, null, null, null);

	private final String dataKey;

	private final boolean clientWrites;

	private final Predicate<EvPrincipal> allowConnectingClient;

	private final EvStateUpdateInterceptor interceptor;

	private final @Nullable Duration ttl;

	private final @Nullable EvStateSelfDestruct selfDestruct;

	private EvStateOptions(String dataKey, boolean clientWrites, @Nullable Predicate<EvPrincipal> allowConnectingClient,
			@Nullable EvStateUpdateInterceptor interceptor, @Nullable Duration ttl,
			@Nullable EvStateSelfDestruct selfDestruct) {
		Objects.requireNonNull(dataKey, "'dataKey' must not be null");
		if (dataKey.isEmpty()) {
			throw new IllegalArgumentException("'dataKey' must not be empty");
		}
		if (RESERVED.contains(dataKey)) {
			throw new IllegalArgumentException(
					"'dataKey' must not be '" + dataKey + "': events of a state carry that field themselves");
		}
		this.dataKey = dataKey;
		this.clientWrites = clientWrites;
		this.allowConnectingClient = (allowConnectingClient != null) ? allowConnectingClient : ALLOW_ALL;
		this.interceptor = (interceptor != null) ? interceptor : EvStateUpdateInterceptor.NONE;
		this.ttl = ttl;
		this.selfDestruct = selfDestruct;
	}

	/**
	 * Returns the defaults: data key {@code value}, no writes from clients, every client
	 * may listen.
	 * @return the default options
	 */
	public static EvStateOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns the default options with another data key.
	 * @param dataKey the field that holds the value in broadcast events: {@code data:
	 * {"<dataKey>": <value>, "version": …}}; {@code value} by default, as evstream
	 * @return the options
	 * @throws IllegalArgumentException if the key is empty, {@code version},
	 * {@code operationId} or {@code removed}
	 */
	public static EvStateOptions dataKey(String dataKey) {
		return new EvStateOptions(dataKey, false, null, null, null, null);
	}

	/**
	 * Returns the field that holds the value in broadcast events.
	 * @return the data key
	 */
	public String dataKey() {
		return this.dataKey;
	}

	/**
	 * Returns these options with writes from clients accepted: JSON merge patches sent to
	 * {@code POST {evstream.path}/states/{key}}, through the {@link #interceptStateUpdate
	 * interceptor}.
	 * @return the options
	 */
	public EvStateOptions withClientWrites() {
		return new EvStateOptions(this.dataKey, true, this.allowConnectingClient, this.interceptor, this.ttl,
				this.selfDestruct);
	}

	/**
	 * Returns whether clients may write the state.
	 * @return whether client writes are accepted
	 */
	public boolean clientWrites() {
		return this.clientWrites;
	}

	/**
	 * Returns these options with a rule for who may use the state: listen to it (else
	 * {@code 403} at connect) and, with client writes, write it. It runs on an event loop
	 * and must not block.
	 * @param rule whether a principal may use the state
	 * @return the options
	 */
	public EvStateOptions allowConnectingClient(Predicate<EvPrincipal> rule) {
		Objects.requireNonNull(rule, "'rule' must not be null");
		return new EvStateOptions(this.dataKey, this.clientWrites, rule, this.interceptor, this.ttl, this.selfDestruct);
	}

	/**
	 * Returns these options with an interceptor of every merge patch.
	 * @param interceptor the interceptor
	 * @return the options
	 */
	public EvStateOptions interceptStateUpdate(EvStateUpdateInterceptor interceptor) {
		Objects.requireNonNull(interceptor, "'interceptor' must not be null");
		return new EvStateOptions(this.dataKey, this.clientWrites, this.allowConnectingClient, interceptor, this.ttl,
				this.selfDestruct);
	}

	/**
	 * Returns these options with a time to live, as server-state-sync's {@code ttl}: a
	 * state created with them is removed once it has lived that long, on every instance,
	 * whether or not the instance that created it still runs. Created again after that,
	 * it is a new state with a time to live of its own.
	 * @param ttl how long the state lives, counted from its creation; positive
	 * @return the options
	 * @throws IllegalArgumentException if the time to live is zero or negative
	 */
	public EvStateOptions ttl(Duration ttl) {
		Objects.requireNonNull(ttl, "'ttl' must not be null");
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("'ttl' must be positive, but was " + ttl);
		}
		return new EvStateOptions(this.dataKey, this.clientWrites, this.allowConnectingClient, this.interceptor, ttl,
				this.selfDestruct);
	}

	/**
	 * Returns the time to live of states created with these options.
	 * @return the time to live, or {@code null} (the default) for states that live until
	 * removed
	 */
	public @Nullable Duration ttl() {
		return this.ttl;
	}

	/**
	 * Returns these options with a rule that ends the state when clients leave, as
	 * server-state-sync's {@code selfDestruct}: it is asked on every leave of the state's
	 * channel anywhere in the cluster, with the number of clients left on every instance
	 * and the state's creation time. {@link EvStateSelfDestruct#WHEN_EMPTY} ends it when
	 * the last one leaves.
	 * @param rule whether to remove the state after a leave
	 * @return the options
	 */
	public EvStateOptions selfDestruct(EvStateSelfDestruct rule) {
		Objects.requireNonNull(rule, "'rule' must not be null");
		return new EvStateOptions(this.dataKey, this.clientWrites, this.allowConnectingClient, this.interceptor,
				this.ttl, rule);
	}

	/**
	 * Returns the rule that ends the state when clients leave.
	 * @return the rule, or {@code null} (the default) for none
	 */
	public @Nullable EvStateSelfDestruct selfDestruct() {
		return this.selfDestruct;
	}

	/**
	 * Returns whether a principal may use the state.
	 * @param principal the principal
	 * @return whether the rule allows it
	 */
	public boolean allowsClient(EvPrincipal principal) {
		return this.allowConnectingClient.test(principal);
	}

	/**
	 * Returns the interceptor of merge patches.
	 * @return the interceptor, {@link EvStateUpdateInterceptor#NONE} by default
	 */
	public EvStateUpdateInterceptor interceptor() {
		return this.interceptor;
	}

	/**
	 * Returns whether these options carry any rule for clients.
	 */
	boolean hasClientRules() {
		return this.clientWrites || this.interceptor != EvStateUpdateInterceptor.NONE
				|| this.allowConnectingClient != ALLOW_ALL;
	}

	@Override
	public String toString() {
		return "EvStateOptions[dataKey=" + this.dataKey + ", clientWrites=" + this.clientWrites + ", ttl=" + this.ttl
				+ ", selfDestruct=" + (this.selfDestruct != null) + "]";
	}

}
