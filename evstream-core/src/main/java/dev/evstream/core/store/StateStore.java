package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The authoritative, versioned value of every state, shared by all instances.
 * <p>
 * Every write is published on the {@link dev.evstream.core.bus.EventBus} as a
 * {@link dev.evstream.core.bus.StateChanged} or
 * {@link dev.evstream.core.bus.StateRemoved} event <em>in the same atomic step</em>, so
 * that the order in which writes are stored is the order in which every instance receives
 * them. Values are JSON text: the codec sits above the store, which only moves strings.
 * <p>
 * All methods are cold: nothing happens until the returned publisher is subscribed. They
 * signal on the thread of the backend (the caller's for the in-memory store), and fail
 * with an error when the backend cannot be reached rather than wait for it.
 *
 * @since 0.1.0
 */
public interface StateStore {

	/**
	 * How long a store remembers the operation id of a write, at least, so that a retry
	 * within it is recognised: ten minutes, far beyond any client's retry of one write.
	 */
	Duration OPERATION_RETENTION = Duration.ofMinutes(10);

	/**
	 * Returns the longest a call to this store waits for its backend before it fails. The
	 * state manager gives each write this long from the moment it is asked for, whatever
	 * it waits for meanwhile (other writes of the same state, retries after a conflict),
	 * so that a write never fails later than this timeout.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Reads one state.
	 * @param key the state key
	 * @return the state, or empty if it does not exist
	 */
	Mono<StoredState> get(String key);

	/**
	 * Reads every state.
	 * @return a finite stream of all states, in no particular order
	 */
	Flux<StoredState> getAll();

	/**
	 * Creates a state unless it exists, and publishes the creation.
	 * @param initial the state at version {@code 1}, with a new incarnation
	 * @return the state as stored: the new one, or the existing one untouched
	 */
	Mono<StoredState> create(StoredState initial);

	/**
	 * Writes a new value if the stored version is the expected one, bumping the version
	 * by one, and publishes the change with the write's operation id.
	 * <p>
	 * A write whose operation id an earlier write of the same state carried, within the
	 * store's {@link #OPERATION_RETENTION retention}, is not applied again: the outcome
	 * is {@code updated} with the state as stored now, whatever the expected version, so
	 * that a client that retries a write after a lost answer changes the state once.
	 * @param key the state key
	 * @param expectedVersion the version the new value was computed from
	 * @param json the new value as JSON text
	 * @param operationId the id the writer gave this write, or {@code null}
	 * @return the outcome, with the current state when the version did not match
	 */
	Mono<CompareAndSetResult> compareAndSet(String key, long expectedVersion, String json,
			@Nullable String operationId);

	/**
	 * Puts back a state the backend lost (a restarted, empty server), as an instance
	 * still holds it: writes it, and publishes it, when the backend lost its data since
	 * this instance last read it and holds no newer version of the same incarnation. A
	 * state that was removed, rather than lost, is not put back.
	 * @param state the state as this instance holds it
	 * @return the state as stored after the call, or empty if it was removed
	 */
	Mono<StoredState> restore(StoredState state);

	/**
	 * Removes a state and publishes the removal.
	 * @param key the state key
	 * @return whether the state existed
	 */
	Mono<Boolean> remove(String key);

	/**
	 * Removes one life of a state and publishes the removal, in one atomic step, only if
	 * the stored state is that life: an expiry or a self-destruct that several instances
	 * apply at once removes the state once, and never a state created again meanwhile.
	 * @param key the state key
	 * @param incarnation the incarnation to remove
	 * @return whether the state existed with that incarnation, and was removed
	 */
	Mono<Boolean> remove(String key, String incarnation);

}
