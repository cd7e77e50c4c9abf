package dev.evstream.spring.web;

import java.time.Duration;

import dev.evstream.test.SseTestClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads problem details answered to a raw client or to a {@link WebTestClient}.
 */
final class Problems {

	private static final JsonMapper json = JsonMapper.builder().build();

	private Problems() {
	}

	static JsonNode read(SseTestClient client, int status) {
		assertThat(client.status()).isEqualTo(status);
		assertThat(client.header("Content-Type")).isEqualTo("application/problem+json");
		String body = client.awaitBody(Duration.ofSeconds(5));
		JsonNode problem = json.readTree(body);
		assertThat(problem.get("status").intValue()).isEqualTo(status);
		assertThat(problem.get("instance").stringValue()).isEqualTo("/evstream");
		return problem;
	}

	/**
	 * Checks that a response is a problem detail with a status and a detail.
	 * @param response the response
	 * @param status the status
	 * @param detail the exact detail, or {@code null} for any that is not blank
	 */
	static void expect(WebTestClient.ResponseSpec response, int status, @Nullable String detail) {
		JsonNode problem = response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.get("status").intValue()).isEqualTo(status);
		assertThat(problem.get("detail").stringValue()).isNotBlank();
		if (detail != null) {
			assertThat(problem.get("detail").stringValue()).isEqualTo(detail);
		}
	}

	static void expect(WebTestClient.RequestHeadersSpec<?> request, int status, @Nullable String detail) {
		expect(request.exchange(), status, detail);
	}

}
