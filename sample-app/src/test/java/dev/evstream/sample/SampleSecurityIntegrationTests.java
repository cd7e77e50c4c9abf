package dev.evstream.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code secure} profile: Spring Security authenticates, evstream authorizes channels
 * with the authenticated principal.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("secure")
class SampleSecurityIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Test
	void unauthenticatedShouldAnswer401() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=chat")) {
			assertThat(client.status()).isEqualTo(401);
			assertThat(client.header("WWW-Authenticate")).startsWith("Basic");
		}
	}

	@Test
	void wrongPasswordShouldAnswer401() {
		try (SseTestClient client = get("/evstream?channel=chat", "bob", "not-bobs")) {
			assertThat(client.status()).isEqualTo(401);
		}
	}

	@Test
	void forbiddenChannelShouldAnswer403() {
		try (SseTestClient client = get("/evstream?channel=chat&channel=admin", "bob", "bob-password")) {
			assertThat(client.status()).isEqualTo(403);
			assertThat(client.awaitBody(TIMEOUT)).contains("Not allowed to listen to channel 'admin'");
		}
	}

	@Test
	void allowedChannelsShouldStream() {
		try (SseTestClient bob = get("/evstream?channel=chat", "bob", "bob-password");
				SseTestClient ann = get("/evstream?channel=chat&channel=admin", "ann", "ann-password")) {
			assertThat(bob.status()).isEqualTo(200);
			assertThat(ann.status()).isEqualTo(200);
			bob.awaitEvent("connected", TIMEOUT);
			assertThat(ann.awaitEvent("connected", TIMEOUT).data()).contains("\"admin\"");
		}
	}

	private SseTestClient get(String path, String user, String password) {
		String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		return SseTestClient.get("127.0.0.1", this.port, path, Map.of("Authorization", "Basic " + basic));
	}

}
