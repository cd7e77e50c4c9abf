package dev.evstream.spring.metrics;

import java.time.Duration;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meters counted in the application's registry under real traffic.
 */
@SpringBootTest(classes = MetricsIntegrationTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.max-listeners=2", "management.health.redis.enabled=false" })
class MetricsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	@Autowired
	EvStreamManager streams;

	@Autowired
	EvStateManager states;

	@Test
	void trafficShouldBeCounted() {
		EvState<Integer> score = this.states.createStateBlocking("score", 0);
		try (SseTestClient a = SseTestClient.get(this.port, "/evstream?channels=news,score");
				SseTestClient b = SseTestClient.get(this.port, "/evstream?channels=news")) {
			a.awaitEvent("connected", TIMEOUT);
			b.awaitEvent("connected", TIMEOUT);
			assertThat(gauge("evstream.connections.open")).isEqualTo(2);
			assertThat(gauge("evstream.listeners")).isEqualTo(3);
			for (int i = 0; i < 5; i++) {
				this.streams.send("news", EvMessage.of("n", i)).block(TIMEOUT);
			}
			score.set(1).block(TIMEOUT);
			score.set(2).block(TIMEOUT);
			a.awaitCount("n", 5, TIMEOUT);
			b.awaitCount("n", 5, TIMEOUT);
			try (SseTestClient full = SseTestClient.get(this.port, "/evstream?channel=news")) {
				assertThat(full.status()).isEqualTo(503);
			}
			try (SseTestClient bad = SseTestClient.get(this.port, "/evstream?channel=a%20b")) {
				assertThat(bad.status()).isEqualTo(400);
			}
			assertThat(counter("evstream.messages.published")).isEqualTo(5);
			assertThat(counter("evstream.messages.delivered")).isEqualTo(5 * 2 + 2);
			assertThat(this.registry.get("evstream.state.updates").tag("outcome", "success").timer().count())
				.isEqualTo(2);
			assertThat(
					this.registry.get("evstream.connections.rejected").tag("reason", "max-listeners").counter().count())
				.isEqualTo(1);
			assertThat(
					this.registry.get("evstream.connections.rejected").tag("reason", "bad-request").counter().count())
				.isEqualTo(1);
			assertThat(counter("evstream.connections.opened")).isEqualTo(3);
		}
		await().atMost(TIMEOUT).until(() -> gauge("evstream.connections.open") == 0);
		assertThat(counter("evstream.connections.closed")).isEqualTo(3);
		assertThat(this.registry.find("evstream.messages.published").tags("channel", "news").counter()).isNull();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private double counter(String name) {
		return this.registry.get(name).counter().count();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
