package dev.evstream.spring.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Reactor Netty route changes: streams pass no WebFilter, and connection
 * tickets, issued through WebFlux, open them as the principal they were issued to.
 */
@SpringBootTest(classes = { TestApplication.class, TwoUsers.class, StreamRouteIntegrationTests.Filters.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.transport=route", "management.health.redis.enabled=false" })
class StreamRouteIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	Filters filters;

	@Test
	void streamsShouldPassNoWebFilterWhileTicketsDo() throws Exception {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=route&token=" + TwoUsers.ANN)) {
			client.awaitEvent("connected", TIMEOUT);
			this.streams.send("route", EvMessage.of("hello", "world")).block(TIMEOUT);
			assertThat(client.awaitEvent("hello", TIMEOUT).data()).isEqualTo("world");
		}
		assertThat(postTicket(TwoUsers.ANN).statusCode()).isEqualTo(200);
		assertThat(this.filters.seen).contains("POST /evstream/tickets").noneMatch((seen) -> seen.startsWith("GET"));
	}

	@Test
	void aTicketShouldOpenOneStreamAsItsPrincipal() throws Exception {
		HttpResponse<String> answer = postTicket(TwoUsers.BOB);
		assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
		JsonNode body = json.readTree(answer.body());
		String ticket = body.get("ticket").stringValue();
		assertThat(ticket).matches("[A-Za-z0-9_-]{22}");
		assertThat(body.get("expiresInSeconds").intValue()).isEqualTo(30);
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=tickets&ticket=" + ticket)) {
			String connectionId = json.readTree(client.awaitEvent("connected", TIMEOUT).data())
				.get("connectionId")
				.stringValue();
			assertThat(this.streams.findStream(connectionId).principal().name()).isEqualTo("bob");
		}
		try (SseTestClient again = SseTestClient.get(this.port, "/evstream?channel=tickets&ticket=" + ticket)) {
			assertThat(Problems.read(again, 401).get("detail").stringValue())
				.isEqualTo("The connection ticket is unknown, used or expired: ask for a new one");
		}
	}

	@Test
	void aTicketWithATokenShouldAnswer400() throws Exception {
		String ticket = json.readTree(postTicket(TwoUsers.ANN).body()).get("ticket").stringValue();
		try (SseTestClient client = SseTestClient.get(this.port,
				"/evstream?channel=tickets&ticket=" + ticket + "&token=" + TwoUsers.ANN)) {
			assertThat(Problems.read(client, 400).get("detail").stringValue())
				.isEqualTo("Send either a connection ticket or a token, not both");
		}
	}

	@Test
	void ticketsShouldBeIssuedOnlyToAuthenticatedRequests() throws Exception {
		HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/evstream/tickets"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}")));
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(answer.body()).contains("A token is required");
	}

	@Test
	void ticketsShouldBeAskedForWithJson() throws Exception {
		HttpResponse<String> form = send(HttpRequest.newBuilder(uri("/evstream/tickets"))
			.header("Authorization", "Bearer " + TwoUsers.ANN)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("a=b")));
		assertThat(form.statusCode()).isEqualTo(415);
		HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/evstream/tickets")).GET());
		assertThat(get.statusCode()).isEqualTo(405);
		assertThat(get.headers().firstValue("Allow")).hasValue("POST");
	}

	private HttpResponse<String> postTicket(String token) throws Exception {
		return send(HttpRequest.newBuilder(uri("/evstream/tickets"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}")));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HttpClient.newHttpClient().send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Filters {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Bean
		WebFilter recordingFilter() {
			return (exchange, chain) -> {
				this.seen.add(exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value());
				return chain.filter(exchange);
			};
		}

	}

}
