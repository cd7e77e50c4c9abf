package dev.evstream.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients cannot append to event logs until the application defines an
 * {@code EvLogAppendAuthorizer}; they can still listen to them.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class LogAppendsWithoutAuthorizerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EvLogs logs;

	@Test
	void appendShouldAnswer403AndAppendNothingWhileTheLogIsStreamed() {
		EvLog<Map<String, Object>> notes = this.logs.register("notes",
				EvLogModel.of(new TypeReference<Map<String, Object>>() {
				}, Map.<String, Object>of()).when("note", Void.class, (state, dispatcher, payload) -> state));
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		JsonNode problem = http.post()
			.uri("/evstream/logs/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"note\"}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.get("detail").stringValue()).isEqualTo(
				"Log 'notes' does not accept events from clients: the application defines no EvLogAppendAuthorizer");
		problem = http.post()
			.uri("/evstream/logs/nothing")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"note\"}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(problem.get("detail").stringValue()).startsWith("Log 'nothing' does not accept events");
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=notes")) {
			assertThat(json.readTree(client.awaitEvent("notes", TIMEOUT).data()))
				.isEqualTo(json.readTree("{\"op\":\"history\",\"base\":{\"sequence\":0,\"state\":{}},\"events\":[]}"));
		}
		assertThat(notes.state().block(TIMEOUT)).isEmpty();
	}

}
