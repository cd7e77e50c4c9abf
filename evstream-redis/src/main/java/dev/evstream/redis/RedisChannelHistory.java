package dev.evstream.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.history.SequenceBase;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link ChannelHistory} of replicas that share one Redis: each channel has a
 * sequence counter and a Redis stream of its latest messages, whose entry ids are the
 * sequences. An append is one Lua script that takes the next sequence, adds the message
 * to the stream (trimmed to its last {@code size} entries) and publishes it on the bus,
 * so positions are assigned in the order messages are delivered, by whichever replica
 * sends them.
 * <p>
 * Only a message creates a channel's keys: listening to a channel nobody sends to writes
 * nothing. A channel's keys expire after {@code timeToLive} without appends, reads or new
 * listeners; its sequence then starts again from a new base, and clients holding older
 * positions are reset rather than misled.
 *
 * @since 0.1.0
 */
public final class RedisChannelHistory implements ChannelHistory {

	private static final SecureRandom random = new SecureRandom();

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final int size;

	private final Duration timeToLive;

	private final Duration timeout;

	private final FirstConnection firstConnection = new FirstConnection();

	/**
	 * Creates the history, with limits its {@link RedisBackend.Builder builder} checked.
	 * @param redis the template to run commands with
	 * @param keys the key names
	 * @param size the number of messages kept per channel, zero for none
	 * @param timeToLive how long an unused channel is kept
	 * @param timeout the longest wait for Redis before a call fails
	 */
	RedisChannelHistory(ReactiveStringRedisTemplate redis, RedisKeys keys, int size, Duration timeToLive,
			Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.size = size;
		this.timeToLive = Objects.requireNonNull(timeToLive, "'timeToLive' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Mono<Long> append(String channel, @Nullable String event, String data) {
		String messageId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		Mono<Long> append = this.redis
			.execute(RedisScripts.CHANNEL_APPEND, List.of(this.keys.sequence(channel), this.keys.history(channel)),
					List.of(channel, (event != null) ? event : "", data, messageId, Long.toString(SequenceBase.now()),
							Integer.toString(this.size), this.keys.bus(), ttlSeconds()))
			.next()
			.map(Long::parseLong);
		return RedisFailures.bounded(this.firstConnection.guard(append), this.timeout,
				"send to channel '" + channel + "'");
	}

	@Override
	public Mono<HistorySlice> readAfter(String channel, long afterSequence) {
		Mono<HistorySlice> read = this.redis
			.execute(RedisScripts.CHANNEL_READ, List.of(this.keys.sequence(channel), this.keys.history(channel)),
					List.of((afterSequence + 1) + "-0", ttlSeconds()))
			.next()
			.map((reply) -> slice(channel, afterSequence, reply));
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout,
				"read the history of channel '" + channel + "'");
	}

	@Override
	public Mono<Long> head(String channel) {
		Mono<Long> head = this.redis
			.execute(RedisScripts.CHANNEL_HEAD, List.of(this.keys.sequence(channel), this.keys.history(channel)),
					List.of(ttlSeconds()))
			.next()
			.map(Long::parseLong);
		return RedisFailures.bounded(this.firstConnection.guard(head), this.timeout,
				"read the position of channel '" + channel + "'");
	}

	int size() {
		return this.size;
	}

	String ttlSeconds() {
		return Long.toString(Math.max(1, this.timeToLive.toSeconds()));
	}

	@SuppressWarnings("unchecked")
	private static HistorySlice slice(String channel, long after, List<Object> reply) {
		long head = Long.parseLong(String.valueOf(reply.get(0)));
		String oldestId = String.valueOf(reply.get(1));
		List<ChannelMessage> messages = new ArrayList<>();
		for (Object entry : (List<Object>) reply.get(2)) {
			List<Object> parts = (List<Object>) entry;
			long sequence = sequenceOf(String.valueOf(parts.get(0)));
			List<Object> fields = (List<Object>) parts.get(1);
			String event = null;
			String data = "";
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				String value = String.valueOf(fields.get(i + 1));
				if ("e".equals(fields.get(i))) {
					event = value.isEmpty() ? null : value;
				}
				else if ("d".equals(fields.get(i))) {
					data = value;
				}
			}
			messages.add(new ChannelMessage(channel, sequence, event, data));
		}
		if (head == NO_SEQUENCE) {
			return new HistorySlice(NO_SEQUENCE, List.of(), after == NO_SEQUENCE);
		}
		long oldest = oldestId.isEmpty() ? head + 1 : sequenceOf(oldestId);
		String base = String.valueOf(reply.get(3));
		boolean complete = (after == NO_SEQUENCE) ? !base.isEmpty() && oldest == Long.parseLong(base) + 1
				: after <= head && after >= oldest - 1;
		return new HistorySlice(head, messages, complete);
	}

	private static long sequenceOf(String streamId) {
		return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
	}

}
