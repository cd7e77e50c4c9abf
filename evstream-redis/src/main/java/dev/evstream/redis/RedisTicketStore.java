package dev.evstream.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.store.TicketStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link TicketStore} of replicas that share one Redis: one key per ticket, set only
 * if absent and expired by Redis after its time to live, and taken by a Lua script that
 * reads and deletes it in one step, so that exactly one replica gets its value.
 *
 * @since 0.1.0
 */
public final class RedisTicketStore implements TicketStore {

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
	RedisTicketStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
		Objects.requireNonNull(ticket, "'ticket' must not be null");
		Objects.requireNonNull(value, "'value' must not be null");
		Objects.requireNonNull(timeToLive, "'timeToLive' must not be null");
		// SET NX PX: a time to live below a millisecond would be refused by Redis
		Mono<Boolean> put = this.redis.opsForValue()
			.setIfAbsent(this.keys.ticket(ticket), value, Duration.ofMillis(Math.max(1, timeToLive.toMillis())));
		// the ticket stays out of the message: it is a credential until it expires
		return RedisFailures.bounded(this.firstConnection.guard(put), this.timeout, "keep a ticket");
	}

	@Override
	public Mono<String> take(String ticket) {
		Objects.requireNonNull(ticket, "'ticket' must not be null");
		Mono<String> take = this.redis.execute(RedisScripts.TICKET_TAKE, List.of(this.keys.ticket(ticket)), List.of())
			.next()
			.filter((reply) -> !reply.isEmpty())
			.map((reply) -> String.valueOf(reply.get(0)));
		// the ticket stays out of the message: it is a credential until it expires
		return RedisFailures.bounded(this.firstConnection.guard(take), this.timeout, "take a ticket");
	}

}
