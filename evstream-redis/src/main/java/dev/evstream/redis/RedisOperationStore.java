package dev.evstream.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.store.OperationClaim;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.StateStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link OperationStore} in Redis: one expiring key per claimed id, which holds
 * {@code running} while the write runs and {@code done:} with the outcome after.
 *
 * @since 0.1.0
 */
public final class RedisOperationStore implements OperationStore {

	private static final String RUNNING = "running";

	private static final String CLAIMED = "claimed";

	private static final String DONE = "done:";

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration timeout;

	private final FirstConnection firstConnection = new FirstConnection();

	/**
	 * Creates the store.
	 * @param redis the template to run commands with
	 * @param keys the key names
	 * @param timeout the longest wait for Redis before a call fails
	 */
	RedisOperationStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<OperationClaim> claim(String scope, String operationId, Duration runningFor) {
		Mono<OperationClaim> claim = this.redis
			.execute(RedisScripts.OPERATION_CLAIM, List.of(this.keys.actionOperation(scope, operationId)),
					List.of(Long.toString(Math.max(1, runningFor.toMillis()))))
			.next()
			.map(RedisOperationStore::claimOf);
		return RedisFailures.bounded(this.firstConnection.guard(claim), this.timeout,
				"claim operation '" + operationId + "' of '" + scope + "'");
	}

	@Override
	public Mono<Void> complete(String scope, String operationId, String outcome) {
		Mono<Void> complete = this.redis.opsForValue()
			.set(this.keys.actionOperation(scope, operationId), DONE + outcome, StateStore.OPERATION_RETENTION)
			.then();
		return RedisFailures.bounded(this.firstConnection.guard(complete), this.timeout,
				"complete operation '" + operationId + "' of '" + scope + "'");
	}

	@Override
	public Mono<Void> release(String scope, String operationId) {
		Mono<Void> release = this.redis.delete(this.keys.actionOperation(scope, operationId)).then();
		return RedisFailures.bounded(this.firstConnection.guard(release), this.timeout,
				"release operation '" + operationId + "' of '" + scope + "'");
	}

	private static OperationClaim claimOf(String reply) {
		if (reply.equals(CLAIMED)) {
			return OperationClaim.CLAIMED;
		}
		if (reply.equals(RUNNING)) {
			return OperationClaim.RUNNING;
		}
		if (reply.startsWith(DONE)) {
			return OperationClaim.completed(reply.substring(DONE.length()));
		}
		throw new IllegalStateException("Unexpected reply to an operation claim: '" + reply + "'");
	}

}
