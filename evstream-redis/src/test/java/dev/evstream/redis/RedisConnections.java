package dev.evstream.redis;

import java.time.Duration;
import java.util.UUID;

import dev.evstream.test.redis.RedisServer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Lettuce connection factories for a test server.
 */
final class RedisConnections {

	private RedisConnections() {
	}

	static LettuceConnectionFactory connect(RedisServer server) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	static RedisKeys isolatedKeys() {
		return new RedisKeys("t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
	}

}
