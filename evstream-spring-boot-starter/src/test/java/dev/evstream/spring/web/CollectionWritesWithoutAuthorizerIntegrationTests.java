package dev.evstream.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollections;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients cannot write to collections until the application defines an
 * {@code EvCollectionWriteAuthorizer}; they can still read them.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class CollectionWritesWithoutAuthorizerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	@Test
	void writeShouldAnswer403AndWriteNothingWhileReadsAreAnswered() {
		EvCollection<Map<String, Object>> notes = this.collections.collection("notes",
				new TypeReference<Map<String, Object>>() {
				});
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		JsonNode problem = http.post()
			.uri("/evstream/collections/notes/inbox/a")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"text\":\"hi\"}}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.get("detail").stringValue()).isEqualTo("Collection 'notes' does not accept writes from"
				+ " clients: the application defines no EvCollectionWriteAuthorizer");
		assertThat(notes.list("inbox").block(TIMEOUT)).isEmpty();
		http.get().uri("/evstream/collections/notes/inbox").exchange().expectStatus().isOk().expectBody().json("[]");
	}

}
