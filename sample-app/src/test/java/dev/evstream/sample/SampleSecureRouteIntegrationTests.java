package dev.evstream.sample;

import java.time.Duration;

import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code secure} profile with {@code evstream.transport=route}: Spring Security does
 * not see the stream, so the route requires a connection ticket, which
 * {@code POST /evstream/tickets} issues to the user Spring Security authenticated, with
 * the user's authorities, which channel {@code admin} needs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.transport=route")
@ActiveProfiles("secure")
class SampleSecureRouteIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	private WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@Test
	void streamWithoutTicketShouldAnswer401() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=chat")) {
			assertThat(client.status()).isEqualTo(401);
			JsonNode problem = JsonMapper.shared().readTree(client.awaitBody(TIMEOUT));
			assertThat(problem.path("status").asInt()).isEqualTo(401);
			assertThat(problem.path("detail").stringValue()).startsWith("A connection ticket is required");
		}
	}

	@Test
	void ticketWithoutLoginShouldAnswer401() {
		this.http.post()
			.uri("/evstream/tickets")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value("WWW-Authenticate", (value) -> assertThat(value).startsWith("Basic"));
	}

	@Test
	void annsTicketShouldOpenChannelAdmin() {
		String ticket = ticket("ann", "ann-password");
		try (SseTestClient ann = SseTestClient.get(this.port, "/evstream?channel=admin&ticket=" + ticket)) {
			assertThat(ann.status()).isEqualTo(200);
			assertThat(ann.awaitEvent("connected", TIMEOUT).data()).contains("\"admin\"");
		}
	}

	@Test
	void bobsTicketShouldNotOpenChannelAdmin() {
		String ticket = ticket("bob", "bob-password");
		try (SseTestClient bob = SseTestClient.get(this.port, "/evstream?channel=admin&ticket=" + ticket)) {
			assertThat(bob.status()).isEqualTo(403);
			assertThat(bob.awaitBody(TIMEOUT)).contains("Not allowed to listen to channel 'admin'");
		}
	}

	@Test
	void usedTicketShouldAnswer401() {
		String ticket = ticket("bob", "bob-password");
		try (SseTestClient first = SseTestClient.get(this.port, "/evstream?channel=chat&ticket=" + ticket)) {
			assertThat(first.status()).isEqualTo(200);
			first.awaitEvent("connected", TIMEOUT);
			try (SseTestClient again = SseTestClient.get(this.port, "/evstream?channel=chat&ticket=" + ticket)) {
				assertThat(again.status()).isEqualTo(401);
				assertThat(JsonMapper.shared().readTree(again.awaitBody(TIMEOUT)).path("detail").stringValue())
					.isEqualTo("The connection ticket is unknown, used or expired: ask for a new one");
			}
		}
	}

	private String ticket(String user, String password) {
		String body = this.http.post()
			.uri("/evstream/tickets")
			.headers((headers) -> headers.setBasicAuth(user, password))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.cacheControl(CacheControl.noStore())
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		String ticket = JsonMapper.shared().readTree(body).path("ticket").stringValue();
		assertThat(ticket).matches("[A-Za-z0-9_-]{22}");
		return ticket;
	}

}
