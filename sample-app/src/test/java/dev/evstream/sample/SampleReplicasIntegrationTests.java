package dev.evstream.sample;

import java.time.Duration;
import java.util.UUID;

import dev.evstream.test.SseEvent;
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

/**
 * The README's replica demo: two sample apps with the {@code redis} profile against one
 * Redis; what one is told, the other's clients see.
 */
class SampleReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private RedisServer redis;

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeEach
	void start() {
		this.redis = RedisServer.startLocal();
		String prefix = "sample" + UUID.randomUUID().toString().substring(0, 8);
		this.first = replica(prefix);
		this.second = replica(prefix);
	}

	@AfterEach
	void stop() {
		this.first.close();
		this.second.close();
		this.redis.close();
	}

	private ConfigurableApplicationContext replica(String prefix) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.properties("server.port=0", "spring.data.redis.url=" + this.redis.url(),
					"evstream.redis.key-prefix=" + prefix, "evstream.redis.probe-interval=200ms")
			.run();
	}

	@Test
	void incrementOnOneReplicaShouldShowOnTheOther() {
		try (SseTestClient onSecond = SseTestClient.get(port(this.second), "/evstream?channel=counter&channel=chat")) {
			assertThat(onSecond.awaitEvent("counter", TIMEOUT).data()).isEqualTo("{\"value\":0,\"version\":1}");
			http(this.first).post()
				.uri("/api/counter/increment")
				.contentType(MediaType.APPLICATION_JSON)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.value")
				.isEqualTo(1);
			assertThat(onSecond.awaitCount("counter", 2, TIMEOUT).get(1).data())
				.isEqualTo("{\"value\":1,\"version\":2}");
			http(this.second).get().uri("/api/counter").exchange().expectBody().jsonPath("$.value").isEqualTo(1);
			http(this.first).post()
				.uri("/api/chat")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"user\":\"ann\",\"text\":\"from the first\"}")
				.exchange()
				.expectStatus()
				.isAccepted();
			SseEvent chat = onSecond.awaitEvent("chat", TIMEOUT);
			assertThat(chat.data()).isEqualTo("{\"user\":\"ann\",\"text\":\"from the first\"}");
		}
	}

	@Test
	void writesWhileRedisIsDownShouldAnswer503() {
		this.redis.stop();
		http(this.first).post()
			.uri("/api/counter/increment")
			.contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("Could not update state 'counter'"));
		http(this.first).post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"user\":\"ann\",\"text\":\"lost?\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503);
		http(this.second).get().uri("/api/counter").exchange().expectStatus().isOk();
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static WebTestClient http(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port(context))
			.responseTimeout(TIMEOUT)
			.build();
	}

}
