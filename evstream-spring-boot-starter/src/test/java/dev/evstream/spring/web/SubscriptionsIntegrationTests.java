package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channels added to and removed from an open connection over
 * {@code POST /evstream/subscriptions}.
 */
@SpringBootTest(classes = { TestApplication.class, SubscriptionsIntegrationTests.Tokens.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class SubscriptionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger names = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	EvStateManager states;

	private WebTestClient http;

	private String n;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.n = Integer.toString(names.incrementAndGet());
	}

	@Test
	void addedChannelsShouldGetTheirSnapshotsOnTheSameConnectionAndResume() {
		this.states.createStateBlocking("score-" + this.n, 7);
		String news = "news-" + this.n;
		String lastEventId;
		try (SseTestClient client = open("ann", "a-" + this.n)) {
			String connectionId = connectionId(client);
			JsonNode answer = subscriptions("ann",
					"{\"connectionId\":\"" + connectionId + "\",\"add\":[\"score-" + this.n + "\",\"" + news + "\"]}")
				.expectStatus()
				.isOk()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody();
			assertThat(answer).isEqualTo(json.readTree("{\"connectionId\":\"" + connectionId + "\",\"channels\":[\"a-"
					+ this.n + "\",\"score-" + this.n + "\",\"" + news + "\"]}"));
			assertThat(client.awaitEvent("score-" + this.n, TIMEOUT).data()).isEqualTo("{\"value\":7,\"version\":1}");
			this.streams.send(news, EvMessage.of("first")).block(TIMEOUT);
			client.awaitCount("message", 1, TIMEOUT);
			assertThat(client.events("connected")).hasSize(1);
			lastEventId = client.lastEventId();
		}
		this.streams.send(news, EvMessage.of("missed")).block(TIMEOUT);
		try (SseTestClient resumed = SseTestClient.get("127.0.0.1", this.port,
				"/evstream?channel=a-" + this.n + "&channel=score-" + this.n + "&channel=" + news,
				Map.of("Last-Event-ID", lastEventId, "Authorization", "Bearer ann"))) {
			List<SseEvent> messages = resumed.awaitCount("message", 1, TIMEOUT);
			assertThat(messages).extracting(SseEvent::data).containsExactly("missed");
			assertThat(resumed.events("reset")).isEmpty();
		}
	}

	@Test
	void removedChannelShouldBeLeft() {
		String news = "news-" + this.n;
		try (SseTestClient client = open("ann", "a-" + this.n, news)) {
			String connectionId = connectionId(client);
			subscriptions("ann", "{\"connectionId\":\"" + connectionId + "\",\"remove\":[\"" + news + "\"]}")
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.channels")
				.isEqualTo(List.of("a-" + this.n));
			await().atMost(TIMEOUT).until(() -> this.streams.listenerCount(news) == 0);
		}
	}

	@Test
	void connectionOfAnotherPrincipalShouldAnswer403AndChangeNothing() {
		try (SseTestClient client = open("ann", "a-" + this.n)) {
			String connectionId = connectionId(client);
			Problems.expect(
					subscriptions("bob", "{\"connectionId\":\"" + connectionId + "\",\"add\":[\"b-" + this.n + "\"]}"),
					403, "Connection '" + connectionId + "' was opened by another principal");
			assertThat(this.streams.listenerCount("b-" + this.n)).isZero();
		}
	}

	@Test
	void unknownConnectionShouldAnswer404() {
		Problems.expect(subscriptions("ann", "{\"connectionId\":\"nobody\",\"add\":[\"x\"]}"), 404,
				"No open connection 'nobody' on this instance: reconnect with the channels and the last event id");
	}

	@Test
	void badRequestsShouldAnswer400Or401AndChangeNothing() {
		try (SseTestClient client = open("ann", "a-" + this.n)) {
			String connectionId = connectionId(client);
			Problems.expect(subscriptions("ann", "{\"connectionId\":\"" + connectionId + "\",\"add\":[\"bad name\"]}"),
					400, null);
			Problems.expect(subscriptions("ann", "{\"connectionId\":\"" + connectionId + "\",\"add\":\"x\"}"), 400,
					"'add' must be an array of channel names");
			Problems.expect(subscriptions("ann", "{\"connectionId\":\"" + connectionId + "\",\"other\":1}"), 400,
					"Unknown field 'other': only 'connectionId', 'add' and 'remove' are accepted");
			Problems.expect(subscriptions("ann", "[]"), 400, null);
			Problems.expect(this.http.post()
				.uri("/evstream/subscriptions")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"connectionId\":\"" + connectionId + "\",\"add\":[\"c\"]}")
				.exchange(), 401, "A token is required: send it as an 'Authorization: Bearer' header");
			Problems.expect(
					this.http.post()
						.uri("/evstream/subscriptions?token=ann")
						.contentType(MediaType.APPLICATION_JSON)
						.bodyValue("{\"connectionId\":\"" + connectionId + "\",\"add\":[\"c\"]}")
						.exchange(),
					400,
					"Send the token of a write as an 'Authorization: Bearer' header, not as query parameter 'token'");
			assertThat(this.streams.findStream(connectionId).channels()).containsExactly("a-" + this.n);
		}
	}

	private SseTestClient open(String principal, String... channels) {
		return SseTestClient.get("127.0.0.1", this.port, "/evstream?channels=" + String.join(",", channels),
				Map.of("Authorization", "Bearer " + principal));
	}

	private static String connectionId(SseTestClient client) {
		return json.readTree(client.awaitEvent("connected", TIMEOUT).data()).get("connectionId").stringValue();
	}

	private WebTestClient.ResponseSpec subscriptions(String principal, String body) {
		return this.http.post()
			.uri("/evstream/subscriptions")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Authorization", "Bearer " + principal)
			.bodyValue(body)
			.exchange();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Tokens {

		@Bean
		Authenticator authenticator() {
			// the token is the principal's name: enough to tell two principals apart
			return (token) -> Mono.just(EvPrincipal.of(token));
		}

	}

}
