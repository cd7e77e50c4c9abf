package dev.evstream.sample;

import java.time.Duration;
import java.util.UUID;

import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with the {@code redis} profile, started while its Redis is down: it starts
 * rather than exit, is down and not ready, serves the counter's initial value and refuses
 * increments with {@code 503}, then recovers once Redis is up, without a restart.
 */
class SampleRedisDownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private RedisServer redis;

	private ConfigurableApplicationContext sample;

	@BeforeEach
	void start() {
		this.redis = RedisServer.startLocal();
		this.redis.stop();
	}

	@AfterEach
	void stop() {
		if (this.sample != null) {
			this.sample.close();
		}
		this.redis.close();
	}

	@Test
	void sampleShouldStartWithRedisDownAndRecoverOnceRedisIsUp() {
		this.sample = new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.properties("server.port=0", "spring.data.redis.url=" + this.redis.url(),
					"evstream.redis.key-prefix=sample" + UUID.randomUUID().toString().substring(0, 8),
					"evstream.redis.probe-interval=200ms")
			.run();
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.sample.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(TIMEOUT)
			.build();
		http.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503);
		http.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
		http.get().uri("/api/counter").exchange().expectStatus().isOk().expectBody().jsonPath("$.value").isEqualTo(0);
		http.post()
			.uri("/api/counter/increment")
			.contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		try (SseTestClient client = SseTestClient.get(
				Integer.parseInt(this.sample.getEnvironment().getProperty("local.server.port")),
				"/evstream?channel=counter")) {
			assertThat(client.awaitEvent("counter", TIMEOUT).data()).isEqualTo("{\"value\":0,\"version\":1}");

			this.redis.start();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
			http.get().uri("/actuator/health").exchange().expectStatus().isOk();
			http.post()
				.uri("/api/counter/increment")
				.contentType(MediaType.APPLICATION_JSON)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.value")
				.isEqualTo(1);
			client.awaitEvents(
					(events) -> events.stream().anyMatch((event) -> event.data().equals("{\"value\":1,\"version\":2}")),
					TIMEOUT);
		}
	}

}
