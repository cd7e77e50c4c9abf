package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends to event logs over {@code POST /evstream/logs/{name}}, validated against the
 * log's state, and the events they broadcast on the log's channel.
 */
@SpringBootTest(classes = { TestApplication.class, TwoUsers.class, LogsIntegrationTests.Security.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class LogsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ANN = TwoUsers.ANN;

	private static final String BOB = TwoUsers.BOB;

	private static final String EMPTY_HISTORY = "{\"op\":\"history\",\"base\":{\"sequence\":0,\"state\":{}},\"events\":[]}";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger logNames = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	EvLogs logs;

	private WebTestClient http;

	private String name;

	private EvLog<Map<String, String>> claims;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.name = "claims-" + logNames.incrementAndGet();
		this.claims = this.logs.register(this.name, claimsModel());
	}

	@Test
	void appendShouldAnswerItsSequenceAndReachSubscribersAndLaterOnesInTheHistory() {
		try (SseTestClient client = listen(ANN)) {
			assertThat(data(client.awaitEvent(this.name, TIMEOUT))).isEqualTo(json.readTree(EMPTY_HISTORY));
			append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"eventId\":\"e1\"}").expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.expectBody()
				.json("{\"sequence\":1,\"eventId\":\"e1\"}", true);
			append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"b\"}}").expectStatus()
				.isOk()
				.expectBody()
				.json("{\"sequence\":2,\"eventId\":null}", true);
			List<SseEvent> events = client.awaitCount(this.name, 3, TIMEOUT);
			assertThat(data(events.get(1))).isEqualTo(json.readTree("{\"op\":\"append\",\"sequence\":1,"
					+ "\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"dispatcher\":\"ann\",\"eventId\":\"e1\"}"));
			assertThat(data(events.get(2))).isEqualTo(json.readTree("{\"op\":\"append\",\"sequence\":2,"
					+ "\"type\":\"claim\",\"payload\":{\"item\":\"b\"},\"dispatcher\":\"ann\"}"));
		}
		try (SseTestClient later = listen(BOB)) {
			assertThat(data(later.awaitEvent(this.name, TIMEOUT))).isEqualTo(json.readTree("{\"op\":\"history\","
					+ "\"base\":{\"sequence\":0,\"state\":{}},\"events\":["
					+ "{\"sequence\":1,\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"dispatcher\":\"ann\",\"eventId\":\"e1\"},"
					+ "{\"sequence\":2,\"type\":\"claim\",\"payload\":{\"item\":\"b\"},\"dispatcher\":\"ann\"}]}"));
		}
		assertThat(this.claims.state().block(TIMEOUT)).isEqualTo(Map.of("a", "ann", "b", "ann"));
	}

	@Test
	void rejectedEventShouldAnswer422AppendNothingAndInvalidateOnTheSendersConnectionOnly() {
		try (SseTestClient sender = listen(ANN); SseTestClient other = listen(ANN)) {
			String connectionId = connectionId(sender);
			sender.awaitEvent(this.name, TIMEOUT);
			other.awaitEvent(this.name, TIMEOUT);
			append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"eventId\":\"e1\"}").expectStatus().isOk();
			Problems.expect(append(ANN,
					"{\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"eventId\":\"e2\",\"connectionId\":\""
							+ connectionId + "\"}"),
					422, "already claimed");
			assertThat(this.claims.state().block(TIMEOUT)).isEqualTo(Map.of("a", "ann"));
			List<SseEvent> received = sender.awaitCount(this.name, 3, TIMEOUT);
			assertThat(received.get(2).id()).isNull();
			assertThat(data(received.get(2)))
				.isEqualTo(json.readTree("{\"op\":\"invalidate\",\"eventId\":\"e2\",\"reason\":\"already claimed\"}"));
			// the next event is the next the other connection receives: no invalidate
			// came
			// before it
			append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"b\"},\"eventId\":\"e3\"}").expectStatus()
				.isOk()
				.expectBody()
				.json("{\"sequence\":2,\"eventId\":\"e3\"}", true);
			assertThat(other.awaitCount(this.name, 3, TIMEOUT)).extracting(LogsIntegrationTests::data)
				.extracting((data) -> data.get("op").stringValue() + ":" + data.get("sequence"))
				.containsExactly("history:null", "append:1", "append:2");
			assertThat(sender.awaitCount(this.name, 4, TIMEOUT)).hasSize(4);
		}
	}

	@Test
	void retriedEventIdShouldGetTheSameSequenceAndAppendOnce() {
		String claim = "{\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"eventId\":\"e-retried\"}";
		append(ANN, claim).expectStatus().isOk().expectBody().json("{\"sequence\":1,\"eventId\":\"e-retried\"}", true);
		append(ANN, claim).expectStatus().isOk().expectBody().json("{\"sequence\":1,\"eventId\":\"e-retried\"}", true);
		append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"b\"}}").expectStatus()
			.isOk()
			.expectBody()
			.json("{\"sequence\":2,\"eventId\":null}", true);
		try (SseTestClient client = listen(ANN)) {
			JsonNode events = data(client.awaitEvent(this.name, TIMEOUT)).get("events");
			assertThat(events.size()).isEqualTo(2);
			assertThat(events.get(0).get("sequence").longValue()).isEqualTo(1);
			assertThat(events.get(0).get("eventId").stringValue()).isEqualTo("e-retried");
			assertThat(events.get(1).get("sequence").longValue()).isEqualTo(2);
		}
	}

	@Test
	void payloadThatBreaksItsConstraintsShouldAnswer422WithTheViolation() {
		Problems.expect(append(ANN, "{\"type\":\"pay\",\"payload\":{\"amount\":0}}"), 422,
				"payload.amount: must be greater than 0");
		append(ANN, "{\"type\":\"pay\",\"payload\":{\"amount\":5}}").expectStatus()
			.isOk()
			.expectBody()
			.json("{\"sequence\":1}");
		assertThat(this.claims.state().block(TIMEOUT)).isEqualTo(Map.of("paid", "5"));
	}

	@Test
	void eventOfAnUnknownTypeOrWithAWrongPayloadShouldAnswer422AndAppendNothing() {
		Problems.expect(append(ANN, "{\"type\":\"steal\",\"payload\":{\"item\":\"a\"}}"), 422, null);
		Problems.expect(append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":[]}}"), 422, null);
		Problems.expect(append(ANN, "{\"type\":\"claim\"}"), 422, "Event 'claim' needs a payload: a Claim");
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void appendTheAuthorizerRefusesShouldAnswer403AndAppendNothing() {
		Problems.expect(append(BOB, "{\"type\":\"claim\",\"payload\":{\"item\":\"a\"}}"), 403,
				"Not allowed to append to log '" + this.name + "'");
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void appendToAnUnknownLogShouldAnswer404OnlyToWhomItIsAllowed() {
		Problems.expect(this.http.post()
			.uri("/evstream/logs/nothing")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"claim\"}")
			.exchange(), 404, "There is no log 'nothing'");
		Problems.expect(this.http.post()
			.uri("/evstream/logs/nothing")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + BOB)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"claim\"}")
			.exchange(), 403, "Not allowed to append to log 'nothing'");
	}

	@Test
	void badAppendsShouldAnswer400AndAppendNothing() {
		Problems.expect(append(ANN, "{\"type\":\"claim\""), 400, null);
		Problems.expect(append(ANN, "[]"), 400, null);
		Problems.expect(append(ANN, "{\"payload\":{\"item\":\"a\"}}"), 400, null);
		Problems.expect(
				append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"a\"},\"eventId\":\"no spaces allowed\"}"), 400,
				null);
		Problems.expect(this.http.post()
			.uri("/evstream/logs/a!b")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"claim\",\"payload\":{\"item\":\"a\"}}")
			.exchange(), 400, "Log name 'a!b' is invalid: use 1 to 64 characters from A-Z a-z 0-9 _ . : @ -");
		Problems.expect(
				this.http.post()
					.uri("/evstream/logs/{name}?token={token}", this.name, ANN)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"type\":\"claim\",\"payload\":{\"item\":\"a\"}}")
					.exchange(),
				400,
				"Send the token of a write as an 'Authorization: Bearer' header," + " not as query parameter 'token'");
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void appendWithoutTokenShouldAnswer401() {
		Problems.expect(this.http.post()
			.uri("/evstream/logs/{name}", this.name)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"claim\",\"payload\":{\"item\":\"a\"}}")
			.exchange(), 401, null);
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void nonJsonAppendShouldAnswer415() {
		this.http.post()
			.uri("/evstream/logs/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("{\"type\":\"claim\",\"payload\":{\"item\":\"a\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void appendOverTheBodyLimitShouldAnswer413() {
		append(ANN, "{\"type\":\"claim\",\"payload\":{\"item\":\"" + "x".repeat(300 * 1024) + "\"}}").expectStatus()
			.isEqualTo(413);
		assertThat(this.claims.state().block(TIMEOUT)).isEmpty();
	}

	@Test
	void otherMethodsShouldAnswer405() {
		this.http.put()
			.uri("/evstream/logs/{name}", this.name)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
		this.http.get()
			.uri("/evstream/logs/{name}", this.name)
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
	}

	private SseTestClient listen(String token) {
		return SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=" + this.name,
				Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + token));
	}

	private WebTestClient.ResponseSpec append(String token, String body) {
		return this.http.post()
			.uri("/evstream/logs/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private static String connectionId(SseTestClient client) {
		return data(client.awaitEvent("connected", TIMEOUT)).get("connectionId").stringValue();
	}

	private static JsonNode data(SseEvent event) {
		return json.readTree(event.data());
	}

	/**
	 * Who claimed which item, and what was paid: an item is claimed once.
	 */
	private static EvLogModel<Map<String, String>> claimsModel() {
		return EvLogModel.of(new TypeReference<Map<String, String>>() {
		}, Map.<String, String>of()).when("claim", Claim.class, (state, dispatcher, claim) -> {
			if (state.containsKey(claim.item())) {
				throw new EvLogEventRejectedException("already claimed");
			}
			Map<String, String> next = new TreeMap<>(state);
			next.put(claim.item(), dispatcher.name());
			return next;
		}).when("pay", Payment.class, (state, dispatcher, payment) -> {
			Map<String, String> next = new TreeMap<>(state);
			next.put("paid", Integer.toString(payment.amount()));
			return next;
		});
	}

	record Claim(String item) {
	}

	record Payment(@Positive int amount) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Security {

		@Bean
		EvLogAppendAuthorizer appendAuthorizer() {
			return (principal, log, request) -> principal.name().equals("ann");
		}

	}

}
