package dev.evstream.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the packaged app (SIGTERM, as a deploy does) ends each open stream once, with
 * a retry hint, and the process exits within the graceful shutdown period.
 */
class SampleShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void terminationShouldEndEveryStreamOnceAndExitInTime() throws Exception {
		Path jar = Path.of("target", "evstream-sample-app.jar");
		Path log = Path.of("target", "sample-shutdown-test.log");
		assertThat(jar).exists();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", jar.toString());
		builder.environment().put("SERVER_PORT", Integer.toString(port));
		builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		Process app = builder.start();
		List<SseTestClient> clients = new ArrayList<>();
		try {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> !app.isAlive() || Files.readString(log).contains("Started SampleApplication"));
			for (int i = 0; i < 50; i++) {
				clients.add(SseTestClient.get(port, "/evstream?channel=counter&channel=chat"));
			}
			for (SseTestClient client : clients) {
				client.awaitEvent("counter", TIMEOUT);
			}
			long stopping = System.nanoTime();
			app.destroy();
			assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("exited within the grace period").isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(30));
			for (SseTestClient client : clients) {
				assertThat(client.awaitEnd(TIMEOUT)).isTrue();
				List<SseEvent> events = client.events();
				assertThat(events).filteredOn((event) -> event.event().equals("end")).hasSize(1);
				assertThat(events.get(events.size() - 1).event()).isEqualTo("end");
				assertThat(client.retries()).hasSize(2);
			}
			assertThat(Files.readString(log)).contains("evstream ended 50 streams");
		}
		finally {
			clients.forEach(SseTestClient::close);
			app.destroyForcibly();
		}
	}

}
