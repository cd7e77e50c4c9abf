package dev.evstream.redis;

import java.time.Duration;

import dev.evstream.core.contract.Backend;
import dev.evstream.core.contract.BackendContract;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * The Redis backend meets the contract of every backend, against a real Redis.
 */
class RedisBackendIntegrationTests extends BackendContract {

	private static LettuceConnectionFactory connections;

	@BeforeAll
	static void connect() {
		connections = RedisConnections.connect(RedisServer.shared());
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	@Override
	protected Backend createBackend() {
		RedisKeys keys = RedisConnections.isolatedKeys();
		ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);
		ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(connections);
		Duration timeout = Duration.ofSeconds(2);
		RedisEventBus bus = new RedisEventBus(container, redis, keys, timeout, Duration.ofMillis(500));
		bus.start().block(TIMEOUT);
		return new Backend(bus, new RedisStateStore(redis, keys, timeout),
				new RedisChannelHistory(redis, keys, HISTORY_SIZE, Duration.ofHours(1), timeout), () -> {
					bus.close();
					container.destroy();
				});
	}

}
