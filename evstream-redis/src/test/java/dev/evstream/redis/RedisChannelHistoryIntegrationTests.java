package dev.evstream.redis;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.history.ChannelHistory;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Redis history leaves in Redis: nothing for channels only listened to, and keys
 * that expire for channels sent to.
 */
class RedisChannelHistoryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static LettuceConnectionFactory connections;

	private final RedisKeys keys = RedisConnections.isolatedKeys();

	private ReactiveStringRedisTemplate redis;

	@BeforeAll
	static void connect() {
		connections = RedisConnections.connect(RedisServer.shared());
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	private RedisChannelHistory history(Duration timeToLive) {
		this.redis = new ReactiveStringRedisTemplate(connections);
		return new RedisChannelHistory(this.redis, this.keys, 10, timeToLive, Duration.ofSeconds(2));
	}

	@Test
	void channelsOnlyListenedToShouldWriteNoKey() {
		RedisChannelHistory history = history(Duration.ofDays(1));
		for (int i = 0; i < 2000; i++) {
			String channel = "random-" + i;
			assertThat(history.head(channel).block(TIMEOUT)).isEqualTo(ChannelHistory.NO_SEQUENCE);
			assertThat(history.readAfter(channel, ChannelHistory.NO_SEQUENCE).block(TIMEOUT).complete()).isTrue();
			assertThat(history.readAfter(channel, 1234).block(TIMEOUT).complete()).isFalse();
		}
		assertThat(keys()).isEmpty();
	}

	@Test
	void channelSentToShouldHaveKeysThatExpire() {
		RedisChannelHistory history = history(Duration.ofSeconds(100));
		history.append("news", null, "hello").block(TIMEOUT);
		assertThat(keys()).containsExactlyInAnyOrder(this.keys.sequence("news"), this.keys.history("news"));
		for (String key : keys()) {
			Duration ttl = this.redis.getExpire(key).block(TIMEOUT);
			assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(100));
		}
	}

	private List<String> keys() {
		return this.redis.scan(ScanOptions.scanOptions().match(this.keys.prefix() + ":*").count(1000).build())
			.collectList()
			.block(TIMEOUT);
	}

}
