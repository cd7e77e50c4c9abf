package dev.evstream.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

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

	private WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

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

	@Test
	void todoListsShouldBelongToTheirUser() {
		this.http.post()
			.uri("/evstream/collections/todos/bob/t1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"title\":\"sneaky\",\"completed\":false}}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.http.post()
			.uri("/evstream/collections/todos/bob/t1")
			.headers((headers) -> headers.setBasicAuth("ann", "ann-password"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"title\":\"sneaky\",\"completed\":false}}")
			.exchange()
			.expectStatus()
			.isForbidden();
		this.http.post()
			.uri("/evstream/collections/todos/bob/t1")
			.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"title\":\"milk\",\"completed\":false}}")
			.exchange()
			.expectStatus()
			.isOk();
		this.http.get()
			.uri("/evstream/collections/todos/bob")
			.headers((headers) -> headers.setBasicAuth("ann", "ann-password"))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.http.get()
			.uri("/evstream/collections/todos/bob")
			.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("[{\"id\":\"t1\",\"data\":{\"title\":\"milk\",\"completed\":false}}]");
		try (SseTestClient ann = get("/evstream?channel=todos/bob", "ann", "ann-password")) {
			assertThat(ann.status()).isEqualTo(403);
		}
	}

	@Test
	void sharedTodosShouldNeedALogin() {
		String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
		String create = "{\"type\":\"create\",\"payload\":{\"id\":\"" + id + "\",\"text\":\"milk\"}}";
		this.http.post()
			.uri("/evstream/actions/shared-todos")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(create)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		this.http.get().uri("/evstream/records/shared-todos").exchange().expectStatus().isUnauthorized();
		try (SseTestClient anonymous = SseTestClient.get(this.port, "/evstream?channel=shared-todos");
				SseTestClient ann = get("/evstream?channel=shared-todos", "ann", "ann-password")) {
			assertThat(anonymous.status()).isEqualTo(401);
			ann.awaitEvent("shared-todos", TIMEOUT);
			this.http.post()
				.uri("/evstream/actions/shared-todos")
				.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(create)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.records[0].record.text")
				.isEqualTo("milk");
			assertThat(ann.awaitCount("shared-todos", 2, TIMEOUT).get(1).data()).contains("\"id\":\"" + id + "\"");
		}
		this.http.get()
			.uri("/evstream/records/shared-todos")
			.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"id\":\"" + id + "\""));
	}

	@Test
	void whoIsOnlineShouldNeedALoginAndShowOnlyBroadcastChannels() {
		try (SseTestClient anonymous = SseTestClient.get(this.port, "/evstream?channel=presence/chat")) {
			assertThat(anonymous.status()).isEqualTo(401);
		}
		try (SseTestClient bob = get("/evstream?channel=chat", "bob", "bob-password");
				SseTestClient ann = get("/evstream?channel=presence/chat", "ann", "ann-password")) {
			bob.awaitEvent("connected", TIMEOUT);
			assertThat(ann.status()).isEqualTo(200);
			ann.awaitEvents((events) -> events.stream()
				.anyMatch((event) -> event.event().equals("presence/chat")
						&& event.data().contains("\"principal\":\"bob\"")),
					TIMEOUT);
		}
		try (SseTestClient bob = get("/evstream?channel=presence/counter", "bob", "bob-password")) {
			assertThat(bob.status()).isEqualTo(403);
		}
	}

	@Test
	void roomsShouldNeedALoginToJoinAndWrite() {
		String key = JsonMapper.shared()
			.readTree(this.http.post()
				.uri("/api/rooms")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"topic\":\"plans\"}")
				.exchange()
				.expectStatus()
				.isCreated()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody())
			.path("key")
			.stringValue();
		try (SseTestClient anonymous = SseTestClient.get(this.port, "/evstream?channel=" + key)) {
			assertThat(anonymous.status()).isEqualTo(401);
		}
		this.http.post()
			.uri("/evstream/states/" + key)
			.contentType(MediaType.valueOf("application/merge-patch+json"))
			.bodyValue("{\"topic\":\"sneaky\"}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		try (SseTestClient ann = get("/evstream?channel=" + key, "ann", "ann-password")) {
			assertThat(ann.awaitEvent(key, TIMEOUT).data()).contains("\"topic\":\"plans\"");
			this.http.post()
				.uri("/evstream/states/" + key)
				.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
				.contentType(MediaType.valueOf("application/merge-patch+json"))
				.bodyValue("{\"topic\":\"later\"}")
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(ann.awaitCount(key, 2, TIMEOUT).get(1).data()).contains("\"topic\":\"later\"");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator", "/actuator/evstream", "/actuator/metrics",
			"/actuator/metrics/evstream.connections.open" })
	void actuatorWithoutLoginShouldAnswer401(String path) {
		this.http.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value("WWW-Authenticate", (value) -> assertThat(value).startsWith("Basic"))
			.expectBody()
			.isEmpty();
	}

	@Test
	void actuatorShouldNeedRoleAdmin() {
		this.http.get()
			.uri("/actuator/evstream")
			.headers((headers) -> headers.setBasicAuth("bob", "bob-password"))
			.exchange()
			.expectStatus()
			.isForbidden();
		try (SseTestClient bob = get("/evstream?channel=chat", "bob", "bob-password")) {
			bob.awaitEvent("connected", TIMEOUT);
			this.http.get()
				.uri("/actuator/evstream")
				.headers((headers) -> headers.setBasicAuth("ann", "ann-password"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.value((body) -> assertThat(body).contains("\"chat\""));
		}
	}

	@Test
	void healthShouldBePublicWithoutDetails() {
		String anonymous = this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(JsonMapper.shared().readTree(anonymous).propertyNames()).doesNotContain("components", "details");
		assertThat(anonymous).contains("\"status\":\"UP\"").doesNotContain("diskSpace").doesNotContain("path");
		this.http.get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("ann", "ann-password"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.evstream.status")
			.isEqualTo("UP");
	}

	@Test
	void healthComponentsShouldNotBeShownWithoutLogin() {
		this.http.get().uri("/actuator/health/diskSpace").exchange().expectStatus().isNotFound();
		this.http.get().uri("/actuator/health/evstream").exchange().expectStatus().isNotFound();
	}

	private SseTestClient get(String path, String user, String password) {
		String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		return SseTestClient.get("127.0.0.1", this.port, path, Map.of("Authorization", "Basic " + basic));
	}

}
