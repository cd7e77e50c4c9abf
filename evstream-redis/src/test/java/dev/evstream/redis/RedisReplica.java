package dev.evstream.redis;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.test.redis.RedisServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * What every replica of the replica tests has: its own Redis connections and listener
 * container, a Redis backend under the test's key prefix (probing every 500 ms, histories
 * kept an hour), and an engine on it; the tests add the models they try.
 */
final class RedisReplica implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LettuceConnectionFactory connections;

	private final ReactiveRedisMessageListenerContainer container;

	private final RedisBackend backend;

	private final EvStreamManager streams;

	private RedisReplica(RedisServer server, String prefix, int historySize) {
		this.connections = RedisConnections.connect(server);
		this.container = new ReactiveRedisMessageListenerContainer(this.connections);
		this.backend = RedisBackend.builder(new ReactiveStringRedisTemplate(this.connections), () -> this.container)
			.keyPrefix(prefix)
			.probeInterval(Duration.ofMillis(500))
			.historySize(historySize)
			.historyTimeToLive(Duration.ofHours(1))
			.build();
		this.streams = EvStreamManager.builder().jsonMapper(JSON).backend(this.backend).build();
	}

	/**
	 * Creates a replica whose bus has subscribed, as a deployment routes to a replica
	 * once it is ready.
	 */
	static RedisReplica start(RedisServer server, String prefix, int historySize) {
		RedisReplica replica = new RedisReplica(server, prefix, historySize);
		replica.backend.start().block(TIMEOUT);
		return replica;
	}

	RedisBackend backend() {
		return this.backend;
	}

	EvStreamManager streams() {
		return this.streams;
	}

	@Override
	public void close() {
		this.streams.close();
		this.backend.close();
		this.container.destroy();
		this.connections.destroy();
	}

}
