package dev.evstream.spring.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;

import dev.evstream.test.SseTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Nested;
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
 * Stream requests and Spring's {@code http.server.requests} observation, with the
 * actuator's registry under real HTTP.
 */
class StreamObservationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "management.health.redis.enabled=false")
	class ByDefault {

		@LocalServerPort
		int port;

		@Autowired
		MeterRegistry registry;

		@Test
		void streamsShouldBeLeftOutWhileOtherRequestsAtThePathAreObserved() throws Exception {
			openAndCloseAStream(this.port, this.registry);
			assertThat(post(this.port)).isEqualTo(405);
			await().atMost(TIMEOUT).until(() -> !requestTimers(this.registry).isEmpty());
			assertThat(requestTimers(this.registry)).extracting((timer) -> timer.getId().getTag("method"))
				.containsExactly("POST");
		}

	}

	@Nested
	@SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.health.redis.enabled=false", "evstream.metrics.observe-streams=true" })
	class WhenAsked {

		@LocalServerPort
		int port;

		@Autowired
		MeterRegistry registry;

		@Test
		void streamsShouldBeObserved() throws Exception {
			openAndCloseAStream(this.port, this.registry);
			await().atMost(TIMEOUT).until(() -> !requestTimers(this.registry).isEmpty());
			assertThat(requestTimers(this.registry)).extracting((timer) -> timer.getId().getTag("method"))
				.containsExactly("GET");
		}

	}

	private static void openAndCloseAStream(int port, MeterRegistry registry) {
		try (SseTestClient client = SseTestClient.get(port, "/evstream?channel=news")) {
			client.awaitEvent("connected", TIMEOUT);
		}
		// the stream's request has ended on the server too
		await().atMost(TIMEOUT).until(() -> registry.get("evstream.connections.open").gauge().value() == 0);
	}

	private static int post(int port) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/evstream"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static Collection<Timer> requestTimers(MeterRegistry registry) {
		return registry.find("http.server.requests").tag("uri", "/evstream").timers();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
