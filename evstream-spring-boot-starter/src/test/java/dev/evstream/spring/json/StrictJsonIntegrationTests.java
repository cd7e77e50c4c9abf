package dev.evstream.spring.json;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bare application with evstream: its {@code @RequestBody} arguments are read strictly,
 * and {@link JsonOnlyWebFilter} guards its writes, over a real port.
 */
@SpringBootTest(classes = StrictJsonIntegrationTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.webflux.problemdetails.enabled=true")
class StrictJsonIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Scores scores;

	private WebTestClient http;

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@Test
	void requestBodyWithDuplicateKeyShouldAnswer400AndChangeNothing() {
		int before = this.scores.total.get();
		this.http.post()
			.uri("/api/scores")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"points\":1,\"points\":100}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.scores.total.get()).isEqualTo(before);
		this.http.post()
			.uri("/api/scores")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"points\":1}")
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(this.scores.total.get()).isEqualTo(before + 1);
	}

	@Test
	void requestBodyAsPlainTextShouldAnswer415AndChangeNothing() {
		int before = this.scores.total.get();
		this.http.post()
			.uri("/api/scores")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("{\"points\":100}")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Content-Type must be application/json or application/*+json, but was 'text/plain'");
		assertThat(this.scores.total.get()).isEqualTo(before);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Scores.class)
	static class Application {

		@Bean
		JsonOnlyWebFilter jsonOnlyWrites(JsonMapper jsonMapper) {
			return new JsonOnlyWebFilter(jsonMapper, "/api/**");
		}

	}

	@RestController
	static class Scores {

		final AtomicInteger total = new AtomicInteger();

		@PostMapping("/api/scores")
		int add(@RequestBody Score score) {
			return this.total.addAndGet(score.points());
		}

	}

	record Score(int points) {
	}

}
