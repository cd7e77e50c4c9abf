package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The operation ids of writes whose effect is kept outside the backend, such as the
 * actions of a record set, which the application's own database applies. A write claims
 * its id before it runs and completes it with its outcome after, so that a retry of the
 * same id is answered with that outcome instead of running again, on whichever instance
 * it arrives.
 * <p>
 * A claim that is neither completed nor released (its instance died while the write ran)
 * ends by itself after the time it was taken for; a retry after that runs the write
 * again. An outcome is kept for {@link StateStore#OPERATION_RETENTION} at least.
 * <p>
 * All methods are cold, signal on the thread of the backend (the caller's for the
 * in-memory store), and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface OperationStore {

	/**
	 * Returns the longest a call waits for the backend before it fails.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Claims an operation id, in one atomic step, unless it is claimed already.
	 * @param scope what the id belongs to, such as a record set's name
	 * @param operationId the id
	 * @param runningFor how long the claim holds if it is neither completed nor released
	 * @return {@link OperationClaim#CLAIMED} if the caller now holds the id,
	 * {@link OperationClaim#RUNNING} if another holds it, or the outcome of the write
	 * that completed it
	 */
	Mono<OperationClaim> claim(String scope, String operationId, Duration runningFor);

	/**
	 * Completes a claimed id with the outcome of its write, kept for
	 * {@link StateStore#OPERATION_RETENTION}.
	 * @param scope what the id belongs to
	 * @param operationId the id
	 * @param outcome the outcome, as text
	 * @return completion
	 */
	Mono<Void> complete(String scope, String operationId, String outcome);

	/**
	 * Releases a claimed id whose write did not happen, so that a retry may run it.
	 * @param scope what the id belongs to
	 * @param operationId the id
	 * @return completion
	 */
	Mono<Void> release(String scope, String operationId);

}
