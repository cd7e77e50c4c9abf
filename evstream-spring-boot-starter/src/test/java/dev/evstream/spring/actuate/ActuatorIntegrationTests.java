package dev.evstream.spring.actuate;

import java.time.Duration;

import dev.evstream.core.EvStateManager;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code evstream} endpoint and the health indicator over HTTP.
 */
@SpringBootTest(classes = ActuatorIntegrationTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,evstream",
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
				"evstream.actuator.show-values=true" })
class ActuatorIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvStateManager states;

	@Test
	void endpointShouldDescribeConnectionsChannelsStatesAndBackend() {
		this.states.createStateBlocking("score", 41).set(42).block(TIMEOUT);
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channels=score,news")) {
			client.awaitEvent("connected", TIMEOUT);
			http().get()
				.uri("/actuator/evstream")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.connections.open")
				.isEqualTo(1)
				.jsonPath("$.connections.max")
				.isEqualTo(5000)
				.jsonPath("$.channels.news")
				.isEqualTo(1)
				.jsonPath("$.channels.score")
				.isEqualTo(1)
				.jsonPath("$.states.score.version")
				.isEqualTo(2)
				.jsonPath("$.states.score.value")
				.isEqualTo(42)
				.jsonPath("$.backend.name")
				.isEqualTo("in-memory")
				.jsonPath("$.backend.connected")
				.isEqualTo(true);
		}
	}

	@Test
	void healthShouldBeUpInMemory() {
		http().get()
			.uri("/actuator/health/evstream")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.backend")
			.isEqualTo("in-memory");
	}

	private WebTestClient http() {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).responseTimeout(TIMEOUT).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
