package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.test.SseTestClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * One application instance with evstream on Redis, on a random port: several of them are
 * the replicas of a deployment.
 */
final class Replica implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final List<SseTestClient> clients = new ArrayList<>();

	private Replica(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts a replica and waits until its bus has subscribed, as a deployment routes to
	 * a replica once it is ready, which follows the bus: the context starts without
	 * waiting for Redis, and a message published before a replica subscribes never
	 * reaches it.
	 */
	static Replica start(String redisUrl, String keyPrefix, String... extraProperties) {
		Replica replica = startUnready(redisUrl, keyPrefix, extraProperties);
		Backend backend = replica.context.getBean(Backend.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> backend.bus().isConnected());
		return replica;
	}

	/**
	 * Starts a replica without waiting for Redis, which may be down.
	 */
	static Replica startUnready(String redisUrl, String keyPrefix, String... extraProperties) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("spring.data.redis.url", redisUrl);
		properties.put("evstream.redis.enabled", "true");
		properties.put("evstream.redis.key-prefix", keyPrefix);
		properties.put("evstream.redis.probe-interval", "200ms");
		// as a deployment that wants replicas to catch up soon after Redis returns
		properties.put("evstream.redis.max-reconnect-delay", "1s");
		properties.put("evstream.heartbeat", "500ms");
		properties.put("spring.main.banner-mode", "off");
		for (String property : extraProperties) {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return new Replica(new SpringApplicationBuilder(Application.class).properties(properties).run());
	}

	int port() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	EvStreamManager streams() {
		return this.context.getBean(EvStreamManager.class);
	}

	EvStateManager states() {
		return this.context.getBean(EvStateManager.class);
	}

	EvPresence presence() {
		return this.context.getBean(EvPresence.class);
	}

	EvState<Integer> counter(String key) {
		return states().createStateBlocking(key, Integer.class, 0);
	}

	SseTestClient listen(String... channels) {
		SseTestClient client = SseTestClient.get(port(), "/evstream?channels=" + String.join(",", channels));
		this.clients.add(client);
		return client;
	}

	@Override
	public void close() {
		this.clients.forEach(SseTestClient::close);
		this.context.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
