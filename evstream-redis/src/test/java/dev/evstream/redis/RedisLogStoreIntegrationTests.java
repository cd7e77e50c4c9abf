package dev.evstream.redis;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogAppendResult.Outcome;
import dev.evstream.core.store.LogHead;
import dev.evstream.core.store.StateStore;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Redis log store does that the backend contract cannot see: an append sent
 * again (as the client does after a reconnect) applies once, and the keys it leaves.
 */
class RedisLogStoreIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static LettuceConnectionFactory connections;

	private final RedisKeys keys = RedisConnections.isolatedKeys();

	private ReactiveStringRedisTemplate redis;

	private RedisChannelHistory history;

	private RedisLogStore store;

	@BeforeAll
	static void connect() {
		connections = RedisConnections.connect(RedisServer.shared());
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	@BeforeEach
	void createStore() {
		this.redis = new ReactiveStringRedisTemplate(connections);
		this.history = new RedisChannelHistory(this.redis, this.keys, 10, Duration.ofSeconds(100),
				Duration.ofSeconds(2));
		this.store = new RedisLogStore(this.redis, this.keys, this.history, Duration.ofSeconds(2));
	}

	@Test
	void appendSentAgainShouldApplyOnceAndAnswerAsTheFirstTime() {
		Mono<LogAppendResult> first = this.store.append(append(0, 1, null));
		LogAppendResult appended = first.block(TIMEOUT);
		assertThat(appended).isEqualTo(new LogAppendResult(Outcome.APPENDED, new LogHead(1, "1"), 1));
		assertThat(first.block(TIMEOUT)).isEqualTo(appended);
		Mono<LogAppendResult> second = this.store.append(append(1, 2, "e-2"));
		LogAppendResult secondAppended = second.block(TIMEOUT);
		assertThat(this.store.append(append(2, 3, null)).block(TIMEOUT).outcome()).isEqualTo(Outcome.APPENDED);
		assertThat(second.block(TIMEOUT)).isEqualTo(secondAppended)
			.isEqualTo(new LogAppendResult(Outcome.APPENDED, new LogHead(2, "2"), 2));
		assertThat(this.store.head("log").block(TIMEOUT)).isEqualTo(new LogHead(3, "3"));
		assertThat(this.store.snapshot("log").block(TIMEOUT).events()).containsExactly("e1", "e2", "e3");
		long head = this.history.head("log").block(TIMEOUT);
		assertThat(this.history.readAfter("log", head - 3).block(TIMEOUT).messages()).hasSize(3);
	}

	@Test
	void appendsShouldKeepHeadsAndEventsForeverAndEventIdsForTheirRetention() {
		this.store.append(append(0, 1, "e-1")).block(TIMEOUT);
		assertThat(keys()).containsExactlyInAnyOrder(this.keys.logHead("log"), this.keys.logEvents("log"),
				this.keys.logEventId("log", "e-1"), this.keys.sequence("log"), this.keys.history("log"));
		assertThat(this.redis.getExpire(this.keys.logHead("log")).block(TIMEOUT)).isEqualTo(Duration.ZERO);
		assertThat(this.redis.getExpire(this.keys.logEvents("log")).block(TIMEOUT)).isEqualTo(Duration.ZERO);
		assertThat(this.redis.getExpire(this.keys.logEventId("log", "e-1")).block(TIMEOUT)).isPositive()
			.isLessThanOrEqualTo(StateStore.OPERATION_RETENTION);
		this.store.append(new LogAppend("log", 1, "2", "e2", "m2", null, 1)).block(TIMEOUT);
		assertThat(keys()).doesNotContain(this.keys.logEvents("log")).contains(this.keys.logHead("log"));
		assertThat(this.store.snapshot("log").block(TIMEOUT).base()).isEqualTo(new LogHead(2, "2"));
	}

	private static LogAppend append(long expectedSequence, int n, @Nullable String eventId) {
		return new LogAppend("log", expectedSequence, Integer.toString(n), "e" + n, "m" + n, eventId, 0);
	}

	private List<String> keys() {
		return this.redis.scan(ScanOptions.scanOptions().match(this.keys.prefix() + ":*").count(1000).build())
			.collectList()
			.block(TIMEOUT);
	}

}
