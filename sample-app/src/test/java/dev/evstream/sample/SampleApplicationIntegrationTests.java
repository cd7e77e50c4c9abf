package dev.evstream.sample;

import java.time.Duration;
import java.util.List;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	private WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@Test
	void counterShouldBeReadIncrementedAndStreamed() {
		int start = counter();
		try (SseTestClient sse = SseTestClient.get(this.port, "/evstream?channel=counter")) {
			List<SseEvent> events = sse.awaitCount("counter", 1, TIMEOUT);
			assertThat(sse.events().get(0).event()).isEqualTo("connected");
			assertThat(events.get(0).data()).isEqualTo("{\"value\":" + start + "}");
			increment(null).jsonPath("$.value").isEqualTo(start + 1);
			increment("{\"by\":5}").jsonPath("$.value").isEqualTo(start + 6);
			increment("{}").jsonPath("$.value").isEqualTo(start + 7);
			List<SseEvent> updates = sse.awaitCount("counter", 4, TIMEOUT);
			assertThat(updates).extracting(SseEvent::data)
				.containsExactly("{\"value\":" + start + "}", "{\"value\":" + (start + 1) + "}",
						"{\"value\":" + (start + 6) + "}", "{\"value\":" + (start + 7) + "}");
			assertThat(counter()).isEqualTo(start + 7);
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			value = { "{\"by\":\"x\"}|'by' must be a whole number", "{\"by\":1.5}|'by' must be a whole number",
					"{\"by\":9999999999}|'by' must be a whole number", "{\"by\":|The body is not valid JSON",
					"[1]|The body must be a JSON object", "{\"step\":1}|Unknown field 'step'",
					"{\"by\":1,\"by\":100}|The body is not valid JSON: Duplicate Object property \"by\"" })
	void incrementWithBadBodyShouldAnswer400AndChangeNothing(String body, String detail) {
		int before = counter();
		this.http.post()
			.uri("/api/counter/increment")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((text) -> assertThat(text.toString()).startsWith(detail));
		assertThat(counter()).isEqualTo(before);
	}

	@Test
	void chatShouldBroadcastTheMessage() {
		try (SseTestClient sse = SseTestClient.get(this.port, "/evstream?channel=chat")) {
			sse.awaitEvent("connected", TIMEOUT);
			this.http.post()
				.uri("/api/chat")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"user\":\"ann\",\"text\":\"hello\\nworld ✓\"}")
				.exchange()
				.expectStatus()
				.isAccepted();
			SseEvent chat = sse.awaitEvent("chat", TIMEOUT);
			assertThat(chat.data()).isEqualTo("{\"user\":\"ann\",\"text\":\"hello\\nworld ✓\"}");
			assertThat(chat.id()).isNotBlank();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = { "{\"user\":\"ann\"}|'text' is required",
			"{\"user\":\"ann\",\"text\":\"  \"}|'text' must not be blank",
			"{\"user\":\"ann\",\"text\":7}|'text' must be a string", "{\"text\":\"hi\"}|'user' is required",
			"{\"user\":[],\"text\":\"hi\"}|'user' must be a string",
			"{\"user\":\"ann\",\"text\":|The body is not valid JSON", "\"hi\"|The body must be a JSON object",
			"{\"user\":\"ann\",\"text\":\"hi\",\"admin\":true}|Unknown field 'admin'",
			"{\"user\":\"ann\",\"text\":\"hi\",\"text\":\"bye\"}|The body is not valid JSON: Duplicate Object property \"text\"" })
	void chatWithBadBodyShouldAnswer400(String body, String detail) {
		try (SseTestClient sse = SseTestClient.get(this.port, "/evstream?channel=chat")) {
			sse.awaitEvent("connected", TIMEOUT);
			postChat(body).isBadRequest()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.value((text) -> assertThat(text.toString()).startsWith(detail));
			assertThat(sse.events("chat")).isEmpty();
		}
	}

	@Test
	void chatTextOverThousandCharactersShouldAnswer400() {
		postChat("{\"user\":\"ann\",\"text\":\"" + "x".repeat(1000) + "\"}").isAccepted();
		postChat("{\"user\":\"ann\",\"text\":\"" + "x".repeat(1001) + "\"}").isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("'text' must be at most 1000 characters, but has 1001");
	}

	@Test
	void chatWithoutBodyShouldAnswer400() {
		this.http.post().uri("/api/chat").exchange().expectStatus().isBadRequest();
	}

	@Test
	void pageShouldBeServedAtRoot() {
		this.http.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("new EventSource(url)").contains("/api/chat"));
	}

	@Test
	void streamShouldBeOpenWithoutSampleTokens() {
		try (SseTestClient sse = SseTestClient.get(this.port, "/evstream?channel=counter")) {
			assertThat(sse.status()).isEqualTo(200);
		}
	}

	private org.springframework.test.web.reactive.server.StatusAssertions postChat(String body) {
		return this.http.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus();
	}

	private int counter() {
		Integer value = this.http.get()
			.uri("/api/counter")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(CounterValue.class)
			.returnResult()
			.getResponseBody()
			.value();
		return value;
	}

	private WebTestClient.BodyContentSpec increment(String body) {
		WebTestClient.RequestBodySpec request = this.http.post().uri("/api/counter/increment");
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		}
		return request.exchange().expectStatus().isOk().expectBody();
	}

	record CounterValue(Integer value) {
	}

}
