package dev.evstream.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the packaged jar as a user would, configured only through the environment.
 */
class SampleJarIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Path JAR = Path.of("target", "evstream-sample-app.jar");

	private static final Path LOG = Path.of("target", "sample-jar-test.log");

	private static Process app;

	private static int port;

	@BeforeAll
	static void start() throws IOException {
		assertThat(JAR).as("the packaged sample app").exists();
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", JAR.toString());
		Map<String, String> env = builder.environment();
		env.put("SERVER_PORT", Integer.toString(port));
		env.put("SERVER_ADDRESS", "127.0.0.1");
		env.put("SAMPLE_TOKENS", "t1,t2");
		env.put("EVSTREAM_HEARTBEAT", "300ms");
		env.put("EVSTREAM_MAX_CONNECTIONS", "3");
		env.put("EVSTREAM_MAX_LISTENERS", "2");
		builder.redirectErrorStream(true).redirectOutput(LOG.toFile());
		app = builder.start();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !app.isAlive() || Files.readString(LOG).contains("Started SampleApplication"));
		assertThat(app.isAlive()).as("sample app running; log:%n%s", Files.readString(LOG)).isTrue();
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (app != null) {
			app.destroy();
			app.waitFor();
		}
	}

	@Test
	void streamWithoutTokenShouldAnswer401() {
		try (SseTestClient client = SseTestClient.get(port, "/evstream?channel=counter")) {
			assertThat(client.status()).isEqualTo(401);
		}
		try (SseTestClient client = SseTestClient.get(port, "/evstream?channel=counter&token=t3")) {
			assertThat(client.status()).isEqualTo(401);
			assertThat(client.awaitBody(TIMEOUT)).doesNotContain("t3");
		}
	}

	@Test
	void tokensFromEnvironmentShouldOpenStreamsWithHeartbeats() {
		try (SseTestClient query = SseTestClient.get(port, "/evstream?channel=counter&token=t1");
				SseTestClient bearer = SseTestClient.get("127.0.0.1", port, "/evstream?channel=chat",
						Map.of("Authorization", "Bearer t2"))) {
			assertThat(query.status()).isEqualTo(200);
			assertThat(bearer.status()).isEqualTo(200);
			assertThat(query.awaitEvent("counter", TIMEOUT).data()).startsWith("{\"value\":");
			query.awaitCount("heartbeat", 2, TIMEOUT);
			bearer.awaitCount("heartbeat", 2, TIMEOUT);
		}
	}

	@Test
	void limitsFromEnvironmentShouldApply() {
		try (SseTestClient a = SseTestClient.get(port, "/evstream?channel=limited&token=t1");
				SseTestClient b = SseTestClient.get(port, "/evstream?channel=limited&token=t1")) {
			a.awaitEvent("connected", TIMEOUT);
			b.awaitEvent("connected", TIMEOUT);
			try (SseTestClient c = SseTestClient.get(port, "/evstream?channel=limited&token=t1")) {
				assertThat(c.status()).isEqualTo(503);
				assertThat(c.awaitBody(TIMEOUT)).contains("maximum of 2 listeners");
			}
			try (SseTestClient c = SseTestClient.get(port, "/evstream?channel=other&token=t1")) {
				c.awaitEvent("connected", TIMEOUT);
				try (SseTestClient d = SseTestClient.get(port, "/evstream?channel=other2&token=t1")) {
					assertThat(d.status()).isEqualTo(503);
					assertThat(d.header("Retry-After")).isNotBlank();
					assertThat(d.awaitBody(TIMEOUT)).contains("maximum of 3 connections");
				}
			}
		}
	}

}
