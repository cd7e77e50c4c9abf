package dev.evstream.spring.web;

import java.time.Duration;

import dev.evstream.test.SseTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads problem details answered to a raw client.
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

}
