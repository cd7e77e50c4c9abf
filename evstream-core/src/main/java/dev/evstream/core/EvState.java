package dev.evstream.core;

import java.util.function.UnaryOperator;

import dev.evstream.core.auth.EvPrincipal;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A named value shared by every instance and broadcast to the listeners of its channel
 * when it changes, as evstream's {@code EvState}: {@code event: <key>} with data
 * {@code {"value": <value>}} (the data key is configurable).
 * <p>
 * Every accepted change bumps the state's version by one. A change that leaves the value
 * equal as JSON is not a change: it is neither broadcast nor versioned. Listeners see
 * versions only go up; one that falls behind may skip versions but always ends on the
 * latest. A new listener receives the current value at once.
 * <p>
 * Values are copied through JSON: mutating an object returned by {@link #get()} or passed
 * to an update function changes nothing until it is set.
 *
 * @param <T> the type of the value
 * @since 0.1.0
 */
public interface EvState<T extends @Nullable Object> {

	/**
	 * Returns the key of the state, which is also its channel.
	 * @return the key
	 */
	String key();

	/**
	 * Returns the latest value this instance knows, without any I/O.
	 * @return a copy of the value
	 * @throws IllegalStateException if the stored JSON does not fit this state's type
	 */
	T get();

	/**
	 * Returns the version of the latest value this instance knows.
	 * @return the version, from {@code 1}
	 */
	long version();

	/**
	 * Changes the value with a function of the latest authoritative value, as evstream's
	 * {@code set(fn)}. The function is applied with compare-and-set on the version and
	 * retried on conflict with another writer, on any instance, so it may run more than
	 * once and must be free of side effects (like {@code AtomicReference.updateAndGet}).
	 * Concurrent updates all apply, each once; updates made on one instance apply in the
	 * order they were made.
	 * <p>
	 * Acts when called, even if the result is never subscribed. The {@code Mono} emits
	 * the new value, or fails: with the function's exception, with
	 * {@link IllegalArgumentException} if the new value cannot be written as JSON, with
	 * {@link EvStateRemovedException} if the state was removed, or with
	 * {@link EvUnavailableException} if the store cannot be reached. It replays its
	 * outcome to every subscriber and signals on the store's thread.
	 * <p>
	 * Since the outcome is cached, {@code set(…).retry(3)} replays a failure and never
	 * writes again: to retry a write, call {@code set} again, for example
	 * {@code Mono.defer(() -> state.set(fn)).retryWhen(Retry.backoff(3, delay))}.
	 * @param update the function from the current value to the new one
	 * @return the new value
	 */
	Mono<T> set(UnaryOperator<T> update);

	/**
	 * Replaces the value. Equivalent to {@code set(current -> value)}: it acts when
	 * called, and retrying the {@code Mono} replays its outcome.
	 * @param value the new value
	 * @return the new value
	 */
	Mono<T> set(T value);

	/**
	 * Changes the value with a JSON merge patch (RFC 7396), as a client's write does and
	 * through the same {@link EvStateOptions#interceptStateUpdate interceptor}: members
	 * of an object patch are merged in, a {@code null} member is removed, arrays and
	 * other values replace what was there. The patch is applied with compare-and-set to
	 * the latest value, so concurrent patches of different members all apply.
	 * <p>
	 * Acts when called. The {@code Mono} emits the new value, or fails with
	 * {@link EvStateUpdateRefusedException} when the interceptor refuses the patch or the
	 * result would not be of this state's type (nothing is stored then), or as
	 * {@link #set(UnaryOperator)} fails.
	 * @param mergePatch the patch
	 * @param principal on whose behalf, as the interceptor sees it
	 * @return the new value
	 */
	Mono<T> patch(JsonNode mergePatch, EvPrincipal principal);

	/**
	 * Returns whether the state was removed, here or on another instance.
	 * @return whether it is removed
	 */
	boolean isRemoved();

}
