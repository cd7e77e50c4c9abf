package dev.evstream.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.history.SequenceBase;
import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogAppendResult.Outcome;
import dev.evstream.core.store.LogHead;
import dev.evstream.core.store.LogSnapshot;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.StateStore;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link LogStore} of replicas that share one Redis. Each log has a head hash (the
 * sequence and state of its latest event, and of its base once compacted) and a Redis
 * stream of the events since the base, whose entry ids are their sequences. Every append
 * is one Lua script that checks the event id and the head, moves the head, keeps the
 * event, compacts, and appends the message to the log's channel as
 * {@link RedisChannelHistory} appends any message (same sequence, history and bus), so
 * that the order in which Redis stores events is the order in which every replica
 * receives them.
 * <p>
 * Heads and events never expire: they are the application's data. A log's channel expires
 * as any channel does; its sequence then starts again from a new base, and listeners
 * holding older positions are reset to a fresh history.
 *
 * @since 0.1.0
 */
public final class RedisLogStore implements LogStore {

	private static final SecureRandom random = new SecureRandom();

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final RedisChannelHistory history;

	private final Duration timeout;

	private final FirstConnection firstConnection = new FirstConnection();

	/**
	 * Creates the store.
	 * @param redis the template to run commands with
	 * @param keys the key names
	 * @param history the history the logs' channels share with every other channel
	 * @param timeout the longest wait for Redis before a call fails
	 */
	RedisLogStore(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisChannelHistory history, Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.history = Objects.requireNonNull(history, "'history' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<LogHead> head(String name) {
		Mono<LogHead> read = this.redis.<String, String>opsForHash()
			.multiGet(this.keys.logHead(name), List.of("s", "j"))
			.map((fields) -> (fields.get(0) != null) ? new LogHead(Long.parseLong(fields.get(0)), fields.get(1))
					: LogHead.EMPTY);
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout,
				"read the head of log '" + name + "'");
	}

	@Override
	public Mono<LogSnapshot> snapshot(String name) {
		Mono<LogSnapshot> read = this.redis
			.execute(RedisScripts.LOG_SNAPSHOT,
					List.of(this.keys.logHead(name), this.keys.logEvents(name), this.keys.sequence(name),
							this.keys.history(name)),
					List.of(this.history.ttlSeconds()))
			.next()
			.map(RedisLogStore::snapshot);
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout, "read log '" + name + "'");
	}

	@Override
	public Mono<Long> sequenceOf(String name, String eventId) {
		Mono<Long> read = this.redis.opsForValue().get(this.keys.logEventId(name, eventId)).map(Long::parseLong);
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout,
				"read event '" + eventId + "' of log '" + name + "'");
	}

	@Override
	public Mono<LogAppendResult> append(LogAppend append) {
		String name = append.name();
		// made once per append, so that a command the client sends again carries the same
		// id
		String messageId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		String eventId = (append.eventId() != null) ? append.eventId() : "";
		Mono<LogAppendResult> result = this.redis
			.execute(RedisScripts.LOG_APPEND,
					List.of(this.keys.logHead(name), this.keys.logEvents(name), this.keys.logEventId(name, eventId),
							this.keys.sequence(name), this.keys.history(name)),
					List.of(Long.toString(append.expectedSequence()), append.state(), append.event(), append.message(),
							eventId, Long.toString(StateStore.OPERATION_RETENTION.toSeconds()),
							Integer.toString(append.compactAbove()), name, messageId, Long.toString(SequenceBase.now()),
							Integer.toString(this.history.size()), this.keys.bus(), this.history.ttlSeconds()))
			.next()
			.map((reply) -> result(append, reply));
		return RedisFailures.bounded(this.firstConnection.guard(result), this.timeout, "append to log '" + name + "'");
	}

	private static LogAppendResult result(LogAppend append, List<Object> reply) {
		String outcome = text(reply, 0);
		long sequence = Long.parseLong(text(reply, 1));
		long headSequence = Long.parseLong(text(reply, 2));
		String state = text(reply, 3);
		LogHead head = (headSequence > 0) ? new LogHead(headSequence, state) : LogHead.EMPTY;
		return switch (outcome) {
			case "appended" -> new LogAppendResult(Outcome.APPENDED, head, sequence);
			// sent again by the client after a reconnect, and appended the first time,
			// which it only is at the expected sequence: the answer is the first one,
			// whatever was appended since
			case "resent" -> {
				long appended = append.expectedSequence() + 1;
				yield new LogAppendResult(Outcome.APPENDED, new LogHead(appended, append.state()), appended);
			}
			case "repeated" -> new LogAppendResult(Outcome.REPEATED, head, sequence);
			case "conflict" -> new LogAppendResult(Outcome.CONFLICT, head, 0);
			default -> throw new IllegalStateException("Unexpected reply to a log append: " + outcome);
		};
	}

	@SuppressWarnings("unchecked")
	private static LogSnapshot snapshot(List<Object> reply) {
		long channelSequence = Long.parseLong(text(reply, 0));
		long baseSequence = Long.parseLong(text(reply, 1));
		LogHead base = (baseSequence > 0) ? new LogHead(baseSequence, text(reply, 2)) : LogHead.EMPTY;
		List<Object> stored = (List<Object>) reply.get(3);
		List<String> events = new ArrayList<>(stored.size());
		for (Object event : stored) {
			events.add(String.valueOf(event));
		}
		return new LogSnapshot(channelSequence, base, events);
	}

	private static String text(List<Object> reply, int index) {
		return String.valueOf(reply.get(index));
	}

}
