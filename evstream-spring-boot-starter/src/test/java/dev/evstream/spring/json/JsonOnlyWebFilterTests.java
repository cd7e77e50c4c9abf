package dev.evstream.spring.json;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JsonOnlyWebFilterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final JsonOnlyWebFilter filter = new JsonOnlyWebFilter(JsonMapper.shared(), "/api/**");

	@ParameterizedTest
	@ValueSource(strings = { "application/json", "application/json; charset=UTF-8", "Application/JSON",
			"application/merge-patch+json", "application/vnd.example.v1+json" })
	void writeWithJsonContentTypeShouldPass(String contentType) {
		MockServerWebExchange exchange = exchange(
				MockServerHttpRequest.post("/api/chat").header(HttpHeaders.CONTENT_TYPE, contentType));
		assertThat(passes(exchange)).isTrue();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			value = { "text/plain|but was 'text/plain'", "text/plain;charset=UTF-8|but was 'text/plain'",
					"application/x-www-form-urlencoded|but was 'application/x-www-form-urlencoded'",
					"multipart/form-data; boundary=b|but was 'multipart/form-data'",
					"application/jsonp|but was 'application/jsonp'", "text/json|but was 'text/json'",
					"application/*+json|but was 'application/*+json'", "*/*|but was '*/*'",
					"json|but was not a media type", "|but was not a media type" })
	void writeWithOtherContentTypeShouldAnswer415(String contentType, String detail) {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.post("/api/counter/increment")
			.header(HttpHeaders.CONTENT_TYPE, (contentType != null) ? contentType : ""));
		assertThat(passes(exchange)).isFalse();
		assertRefused(exchange, "Content-Type must be application/json or application/*+json, " + detail);
	}

	@Test
	void writeWithoutContentTypeShouldAnswer415() {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.post("/api/counter/increment"));
		assertThat(passes(exchange)).isFalse();
		assertRefused(exchange, "Content-Type must be application/json or application/*+json, but was missing");
	}

	@Test
	void writeWithTwoContentTypesShouldAnswer415() {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.post("/api/chat")
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.header(HttpHeaders.CONTENT_TYPE, "text/plain"));
		assertThat(passes(exchange)).isFalse();
		assertRefused(exchange, "Content-Type must be application/json or application/*+json, but was sent 2 times");
	}

	@ParameterizedTest
	@ValueSource(strings = { "PUT", "PATCH", "DELETE" })
	void everyWriteMethodShouldBeChecked(String method) {
		MockServerWebExchange exchange = exchange(MockServerHttpRequest.method(HttpMethod.valueOf(method), "/api/chat")
			.contentType(MediaType.TEXT_PLAIN));
		assertThat(passes(exchange)).isFalse();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "OPTIONS" })
	void readsAndPreflightsShouldPass(String method) {
		assertThat(passes(exchange(MockServerHttpRequest.method(HttpMethod.valueOf(method), "/api/chat")))).isTrue();
	}

	@Test
	void writeOutsideThePathsShouldPass() {
		assertThat(passes(exchange(MockServerHttpRequest.post("/login").contentType(MediaType.TEXT_PLAIN)))).isTrue();
	}

	@Test
	void pathPatternsShouldBeRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JsonOnlyWebFilter(JsonMapper.shared()))
			.withMessage("'pathPatterns' must not be empty");
	}

	private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
		return MockServerWebExchange.from(request);
	}

	private boolean passes(MockServerWebExchange exchange) {
		AtomicBoolean passed = new AtomicBoolean();
		this.filter.filter(exchange, (filtered) -> Mono.fromRunnable(() -> passed.set(true))).block(TIMEOUT);
		return passed.get();
	}

	private static void assertRefused(MockServerWebExchange exchange, String detail) {
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(exchange.getResponse().getHeaders().getAccept())
			.containsExactlyElementsOf(JsonOnlyWebFilter.ACCEPTED);
		JsonNode problem = JsonMapper.shared().readTree(exchange.getResponse().getBodyAsString().block(TIMEOUT));
		assertThat(problem.path("status").asInt()).isEqualTo(415);
		assertThat(problem.path("detail").asString()).isEqualTo(detail);
		assertThat(problem.path("instance").asString()).isEqualTo(exchange.getRequest().getPath().value());
	}

}
