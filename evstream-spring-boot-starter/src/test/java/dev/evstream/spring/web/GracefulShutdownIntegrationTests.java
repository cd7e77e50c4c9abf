package dev.evstream.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the application ends every stream with {@code end} once, after what was
 * queued, within the graceful shutdown.
 */
class GracefulShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void stopShouldEndEveryOpenStreamOnceAndRefuseNewOnes() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "evstream.retry=1200ms",
					"management.health.redis.enabled=false")
			.run();
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		EvStreamManager streams = context.getBean(EvStreamManager.class);
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
		}
		finally {
			clients.forEach(SseTestClient::close);
			context.close();
		}
	}

}
