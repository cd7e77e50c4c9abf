package dev.evstream.spring.web;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stopping the application ends every stream with {@code end} once, after what was
 * queued, within the graceful shutdown; a stream asked for while the server still listens
 * is refused with {@code 503}, and once it has stopped the port refuses connections.
 */
class GracefulShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Returns how the streams are served, for the subclass that runs these tests on the
	 * route.
	 */
	String transport() {
		return "webflux";
	}

	@Test
	void stopShouldEndEveryOpenStreamOnceAndRefuseNewOnes() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
				ConnectDuringShutdown.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "evstream.retry=1200ms",
					"management.health.redis.enabled=false", "evstream.transport=" + transport())
			.run();
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		EvStreamManager streams = context.getBean(EvStreamManager.class);
		ConnectDuringShutdown duringShutdown = context.getBean(ConnectDuringShutdown.class);
		List<SseTestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				clients.add(SseTestClient.get(port, "/evstream?channel=shutdown"));
			}
			for (SseTestClient client : clients) {
				client.awaitEvent("connected", TIMEOUT);
			}
			streams.send("shutdown", EvMessage.of("last", "words")).block(TIMEOUT);
			long started = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
			for (SseTestClient client : clients) {
				assertThat(client.awaitEnd(TIMEOUT)).isTrue();
				List<SseEvent> events = client.events();
				assertThat(events).filteredOn((event) -> event.event().equals("end")).hasSize(1);
				assertThat(events.get(events.size() - 1).event()).isEqualTo("end");
				assertThat(client.events("last")).singleElement().extracting(SseEvent::data).isEqualTo("words");
				assertThat(client.retries()).contains(1200L);
			}
			assertThat(duringShutdown.status.get()).as("status of a stream asked for during shutdown").isEqualTo(503);
			assertThat(duringShutdown.contentType.get()).startsWith("application/problem+json");
			assertThat(duringShutdown.retryAfter.get()).isNotBlank();
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> SseTestClient.get(port, "/evstream?channel=shutdown").close())
				.withCauseInstanceOf(ConnectException.class);
		}
		finally {
			clients.forEach(SseTestClient::close);
			context.close();
		}
	}

	/**
	 * Asks for a new stream after evstream has shut down and before the web server stops,
	 * the window in which a load balancer may still send a client.
	 */
	static final class ConnectDuringShutdown implements SmartLifecycle {

		private final Environment environment;

		final AtomicReference<Integer> status = new AtomicReference<>();

		final AtomicReference<String> contentType = new AtomicReference<>();

		final AtomicReference<String> retryAfter = new AtomicReference<>();

		private volatile boolean running;

		ConnectDuringShutdown(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			int port = Integer.parseInt(this.environment.getProperty("local.server.port"));
			try (SseTestClient client = SseTestClient.get(port, "/evstream?channel=shutdown")) {
				this.status.set(client.status());
				this.contentType.set(client.header("Content-Type"));
				this.retryAfter.set(client.header("Retry-After"));
			}
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		/**
		 * Stops right after evstream's own lifecycle and before the web server's graceful
		 * shutdown.
		 */
		@Override
		public int getPhase() {
			return SmartLifecycle.DEFAULT_PHASE - 1;
		}

	}

}
