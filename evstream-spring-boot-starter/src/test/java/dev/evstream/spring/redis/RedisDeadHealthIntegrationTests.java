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
 * With Redis dead, the whole of {@code /actuator/health}, Spring Boot's Redis indicator
 * included, answers {@code DOWN} within its bound rather than waiting for the Redis
 * client's command timeout; readiness follows the bus, and both come back with Redis.
 */
class RedisDeadHealthIntegrationTests {

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * A correctness bound, not a speed measurement: the health timeout and a generous
	 * margin, far below the minute Boot's own indicator waits.
	 */
	private static final Duration BOUND = HEALTH_TIMEOUT.plusMillis(1500);

	private RedisServer server;

	private Replica replica;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		this.replica = Replica.start(this.server.url(), "d" + UUID.randomUUID().toString().substring(0, 8),
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=true",
				"evstream.redis.health-timeout=" + HEALTH_TIMEOUT.toMillis() + "ms");
	}

	@AfterEach
	void stop() {
		this.replica.close();
		this.server.close();
	}

	@Test
	void healthShouldAnswerDownWithinItsTimeoutWhenRedisIsDead() {
		WebTestClient http = http(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> http.get().uri("/actuator/health").exchange().expectStatus().isOk());
		http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

		this.server.stop();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> http.get().uri("/actuator/health/evstream").exchange().expectStatus().isEqualTo(503));
		WebTestClient bounded = http(BOUND);
		for (int i = 0; i < 3; i++) {
			bounded.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("DOWN")
				.jsonPath("$.components.redis.status")
				.isEqualTo("DOWN")
				.jsonPath("$.components.evstream.status")
				.isEqualTo("DOWN");
			bounded.get().uri("/actuator/health/redis").exchange().expectStatus().isEqualTo(503);
			bounded.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
		}

		this.server.start();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> http.get().uri("/actuator/health").exchange().expectStatus().isOk());
		http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	private WebTestClient http(Duration responseTimeout) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.replica.port())
			.responseTimeout(responseTimeout)
			.build();
	}

}
