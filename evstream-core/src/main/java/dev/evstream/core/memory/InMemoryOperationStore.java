package dev.evstream.core.memory;

import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.evstream.core.store.OperationClaim;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.StateStore;

/**
 * The embedded {@link OperationStore}: claims in this process's memory, bounded like the
 * operation ids of the other stores.
 *
 * @since 0.1.0
 */
public final class InMemoryOperationStore implements OperationStore {

	private final RecentOperations<OperationClaim> claims = new RecentOperations<>(StateStore.OPERATION_RETENTION,
			RecentOperations.DEFAULT_CAPACITY);

	InMemoryOperationStore() {
	}

	@Override
	public Mono<OperationClaim> claim(String scope, String operationId, Duration runningFor) {
		return Mono.fromSupplier(() -> {
			synchronized (this.claims) {
				OperationClaim earlier = this.claims.recall(scope, operationId);
				if (earlier != null) {
					return earlier;
				}
				this.claims.remember(scope, operationId, OperationClaim.RUNNING, runningFor);
				return OperationClaim.CLAIMED;
			}
		});
	}

	@Override
	public Mono<Void> complete(String scope, String operationId, String outcome) {
		return Mono.fromRunnable(() -> this.claims.remember(scope, operationId, OperationClaim.completed(outcome)));
	}

	@Override
	public Mono<Void> release(String scope, String operationId) {
		return Mono.fromRunnable(() -> this.claims.forget(scope, operationId));
	}

}
