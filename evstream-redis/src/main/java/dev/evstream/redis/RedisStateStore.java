package dev.evstream.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredState;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link StateStore} of replicas that share one Redis. Each state is a hash holding
 * its version, JSON, data key and incarnation; every write is a Lua script that checks,
 * writes and publishes on the bus in one atomic step, so that the order in which Redis
 * stores versions is the order in which every instance receives them.
 * <p>
 * A removed state leaves a tombstone for a day, which tells a removal from a loss of
 * data: only a lost state is {@link #restore restored}. A state put back where Redis had
 * lost it refuses writes for one {@code timeout} (they fail with
 * {@link EvUnavailableException}), while a restore of a higher version still replaces it:
 * instances do not reconnect at the same instant, and the first to put a state back may
 * hold an older version than another. Without the grace a write built on the older
 * version would take the version numbers of updates already acknowledged elsewhere, and
 * the newer value could no longer be put back: acknowledged updates would be lost.
 *
 * @since 0.1.0
 */
public final class RedisStateStore implements StateStore {

	private static final SecureRandom random = new SecureRandom();

	private static final Duration TOMBSTONE_TTL = Duration.ofDays(1);

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
	RedisStateStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<StoredState> get(String key) {
		Mono<StoredState> read = this.redis.<String, String>opsForHash()
			.multiGet(this.keys.state(key), List.of("v", "j", "k", "i"))
			.flatMap((fields) -> (fields.get(0) == null) ? Mono.empty() : Mono.just(
					new StoredState(key, Long.parseLong(fields.get(0)), fields.get(1), fields.get(2), fields.get(3))));
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout, "read state '" + key + "'");
	}

	@Override
	public Flux<StoredState> getAll() {
		Mono<List<StoredState>> read = this.redis
			.execute(RedisScripts.STATE_ALL, List.of(this.keys.states()), List.of(this.keys.statePrefix()))
			.next()
			.map(RedisStateStore::states);
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout, "read the states")
			.flatMapMany(Flux::fromIterable);
	}

	@Override
	public Mono<StoredState> create(StoredState initial) {
		Mono<StoredState> create = this.redis
			.execute(RedisScripts.STATE_CREATE, List.of(this.keys.state(initial.key()), this.keys.states()),
					List.of(initial.key(), initial.json(), initial.dataKey(), initial.incarnation(), this.keys.bus()))
			.next()
			.map((reply) -> state(initial.key(), reply, 1));
		return RedisFailures.bounded(this.firstConnection.guard(create), this.timeout,
				"create state '" + initial.key() + "'");
	}

	@Override
	public Mono<CompareAndSetResult> compareAndSet(String key, long expectedVersion, String json,
			@Nullable String operationId) {
		String updateId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		String operation = (operationId != null) ? operationId : "";
		Mono<CompareAndSetResult> write = this.redis
			.execute(RedisScripts.STATE_COMPARE_AND_SET,
					List.of(this.keys.state(key), this.keys.restoring(key), this.keys.operation(key, operation)),
					List.of(key, Long.toString(expectedVersion), json, updateId, this.keys.bus(), operation,
							Long.toString(OPERATION_RETENTION.toSeconds())))
			.next()
			.map((reply) -> switch (text(reply, 0)) {
				case "missing" -> new CompareAndSetResult(false, null);
				case "restoring" -> throw new EvUnavailableException(
						"Could not update state '" + key
								+ "': Redis lost it and it is being put back from the instances; retry in a moment",
						new IllegalStateException(
								"State '" + key + "' is within its restore grace of " + this.timeout));
				case "updated" -> new CompareAndSetResult(true, written(key, reply, expectedVersion, operationId));
				default -> new CompareAndSetResult(false, state(key, reply, 1));
			});
		return RedisFailures.bounded(this.firstConnection.guard(write), this.timeout, "update state '" + key + "'");
	}

	@Override
	public Mono<StoredState> restore(StoredState state) {
		Mono<StoredState> restore = this.redis
			.execute(RedisScripts.STATE_RESTORE,
					List.of(this.keys.state(state.key()), this.keys.states(), this.keys.tombstone(state.key()),
							this.keys.restoring(state.key())),
					List.of(state.key(), Long.toString(state.version()), state.json(), state.dataKey(),
							state.incarnation(), this.keys.bus(), Long.toString(Math.max(1, this.timeout.toMillis()))))
			.next()
			.flatMap((reply) -> "removed".equals(text(reply, 0)) ? Mono.empty()
					: Mono.just(state(state.key(), reply, 1)));
		return RedisFailures.bounded(this.firstConnection.guard(restore), this.timeout,
				"restore state '" + state.key() + "'");
	}

	@Override
	public Mono<Boolean> remove(String key) {
		return remove(key, "", "remove state '" + key + "'");
	}

	@Override
	public Mono<Boolean> remove(String key, String incarnation) {
		Objects.requireNonNull(incarnation, "'incarnation' must not be null");
		if (incarnation.isEmpty()) {
			// the script reads an empty incarnation as any: no state has this one
			return Mono.just(false);
		}
		return remove(key, incarnation, "remove state '" + key + "' (incarnation " + incarnation + ")");
	}

	private Mono<Boolean> remove(String key, String incarnation, String what) {
		Mono<Boolean> remove = this.redis
			.execute(RedisScripts.STATE_REMOVE,
					List.of(this.keys.state(key), this.keys.states(), this.keys.tombstone(key)),
					List.of(key, this.keys.bus(), Long.toString(TOMBSTONE_TTL.toSeconds()), incarnation))
			.next()
			.map((removed) -> removed == 1L);
		return RedisFailures.bounded(this.firstConnection.guard(remove), this.timeout, what);
	}

	private static List<StoredState> states(List<Object> reply) {
		List<StoredState> states = new ArrayList<>(reply.size() / 5);
		for (int i = 0; i + 4 < reply.size(); i += 5) {
			states.add(state(text(reply, i), reply, i + 1));
		}
		return states;
	}

	private static StoredState state(String key, List<Object> reply, int from) {
		return new StoredState(key, Long.parseLong(text(reply, from)), text(reply, from + 1), text(reply, from + 2),
				text(reply, from + 3));
	}

	/**
	 * Reads the state after an update: the write's own version carries its operation id,
	 * a version found in place of a retried write does not.
	 */
	private static StoredState written(String key, List<Object> reply, long expectedVersion,
			@Nullable String operationId) {
		StoredState state = state(key, reply, 1);
		if (operationId == null || state.version() != expectedVersion + 1) {
			return state;
		}
		return new StoredState(key, state.version(), state.json(), state.dataKey(), state.incarnation(), operationId);
	}

	private static String text(List<Object> reply, int index) {
		return String.valueOf(reply.get(index));
	}

}
