package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.UUID;

import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/**
 * Health is {@code DOWN} while the Redis bus is disconnected, and {@code UP} again once
 * it is back.
 */
class RedisHealthIntegrationTests {

	private RedisServer server;

	private Replica replica;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		this.replica = Replica.start(this.server.url(), "h" + UUID.randomUUID().toString().substring(0, 8),
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=false");
	}

	@AfterEach
	void stop() {
		this.replica.close();
		this.server.close();
	}

	@Test
	void healthShouldFollowTheBus() {
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.replica.port())
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> http.get()
				.uri("/actuator/health/evstream")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				.jsonPath("$.details.backend")
				.isEqualTo("redis"));
		this.server.stop();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> http.get()
				.uri("/actuator/health/evstream")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("DOWN")
				.jsonPath("$.details.reason")
				.isEqualTo("the event bus is disconnected from redis"));
		this.server.start();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> http.get().uri("/actuator/health/evstream").exchange().expectStatus().isOk());
	}

}
