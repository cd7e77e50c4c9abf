package dev.evstream.core;

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
 *
 * @since 0.1.0
 */
public final class EvStateOptions {

	private static final Predicate<EvPrincipal> ALLOW_ALL = (principal) -> true;

	private static final Set<String> RESERVED = Set.of("version", "operationId");

	private static final EvStateOptions DEFAULTS = new EvStateOptions("value", false, null, null);

	private final String dataKey;

	private final boolean clientWrites;

	private final Predicate<EvPrincipal> allowConnectingClient;

	private final EvStateUpdateInterceptor interceptor;

	private EvStateOptions(String dataKey, boolean clientWrites, @Nullable Predicate<EvPrincipal> allowConnectingClient,
			@Nullable EvStateUpdateInterceptor interceptor) {
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
	 * @throws IllegalArgumentException if the key is empty, {@code version} or
	 * {@code operationId}
	 */
	public static EvStateOptions dataKey(String dataKey) {
		return new EvStateOptions(dataKey, false, null, null);
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
		return new EvStateOptions(this.dataKey, true, this.allowConnectingClient, this.interceptor);
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
		return new EvStateOptions(this.dataKey, this.clientWrites, rule, this.interceptor);
	}

	/**
	 * Returns these options with an interceptor of every merge patch.
	 * @param interceptor the interceptor
	 * @return the options
	 */
	public EvStateOptions interceptStateUpdate(EvStateUpdateInterceptor interceptor) {
		Objects.requireNonNull(interceptor, "'interceptor' must not be null");
		return new EvStateOptions(this.dataKey, this.clientWrites, this.allowConnectingClient, interceptor);
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
		return "EvStateOptions[dataKey=" + this.dataKey + ", clientWrites=" + this.clientWrites + "]";
	}

}
