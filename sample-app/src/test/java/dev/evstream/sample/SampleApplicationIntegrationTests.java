package dev.evstream.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Sends exactly the headers given: no {@code Content-Type} unless asked for.
	 */
	private static final HttpClient RAW = HttpClient.newHttpClient();

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
			assertThat(withoutVersion(events.get(0).data())).isEqualTo("{\"value\":" + start + "}");
			increment(null).jsonPath("$.value").isEqualTo(start + 1);
			increment("{\"by\":5}").jsonPath("$.value").isEqualTo(start + 6);
			increment("{}").jsonPath("$.value").isEqualTo(start + 7);
			List<SseEvent> updates = sse.awaitCount("counter", 4, TIMEOUT);
			assertThat(updates).extracting((event) -> withoutVersion(event.data()))
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
		this.http.post()
			.uri("/api/chat")
			.contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = { "/api/counter/increment|text/plain|{\"by\":100}",
			"/api/counter/increment|text/plain;charset=UTF-8|", "/api/counter/increment||{\"by\":100}",
			"/api/counter/increment||", "/api/counter/increment|application/x-www-form-urlencoded|by=100",
			"/api/counter/increment|multipart/form-data; boundary=b|--b--",
			"/api/counter/increment|application/jsonp|{\"by\":100}", "/api/counter/increment|text/json|{\"by\":100}",
			"/api/counter/increment|not a media type|{\"by\":100}",
			"/api/chat|text/plain|{\"user\":\"eve\",\"text\":\"forged\"}",
			"/api/chat||{\"user\":\"eve\",\"text\":\"forged\"}",
			"/api/chat|application/x-www-form-urlencoded|{\"user\":\"eve\",\"text\":\"forged\"}" })
	void writeWithoutJsonContentTypeShouldAnswer415AndChangeNothing(String path, String contentType, String body)
			throws Exception {
		int before = counter();
		try (SseTestClient sse = SseTestClient.get(this.port, "/evstream?channel=chat")) {
			sse.awaitEvent("connected", TIMEOUT);
			HttpResponse<String> response = post(path, contentType, body);
			assertThat(response.statusCode()).isEqualTo(415);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.headers().firstValue("Accept")).hasValueSatisfying(
					(accept) -> assertThat(accept).contains("application/json").contains("application/*+json"));
			assertThat(JsonMapper.shared().readTree(response.body()).path("detail").asString())
				.startsWith("Content-Type must be application/json or application/*+json, but ");
			assertThat(counter()).isEqualTo(before);
			assertThat(sse.events("chat")).isEmpty();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			value = { "application/json|{\"by\":2}|2", "application/json; charset=UTF-8|{\"by\":3}|3",
					"application/vnd.sample+json|{\"by\":4}|4", "APPLICATION/JSON||1" })
	void incrementWithJsonContentTypeShouldApply(String contentType, String body, int by) throws Exception {
		int before = counter();
		HttpResponse<String> response = post("/api/counter/increment", contentType, body);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"value\":" + (before + by) + "}");
	}

	@Test
	void pageShouldBeServedAtRoot() {
		this.http.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((html) -> assertThat(html).contains("from '/evstream/client.js'").contains("/api/chat"));
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

	private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(TIMEOUT)
			.POST((body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/api/counter/increment")
			.contentType(MediaType.APPLICATION_JSON);
		if (body != null) {
			request.bodyValue(body);
		}
		return request.exchange().expectStatus().isOk().expectBody();
	}

	record CounterValue(Integer value) {
	}

	private static String withoutVersion(String data) {
		return data.replaceAll(",\"version\":\\d+", "");
	}

}
