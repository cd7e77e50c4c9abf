package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
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
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads and writes of keyed collections over {@code GET /evstream/collections/{stream}/
 * {group}} and {@code POST /evstream/collections/{stream}/{group}/{id}}, and the changes
 * they broadcast on the group's channel.
 */
@SpringBootTest(classes = { TestApplication.class, TwoUsers.class, CollectionsIntegrationTests.Security.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.collections.max-items-per-group=3", "evstream.collections.max-item-bytes=200B" })
class CollectionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ANN = TwoUsers.ANN;

	private static final String BOB = TwoUsers.BOB;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger groups = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	private WebTestClient http;

	private EvCollection<Todo> todos;

	private String group;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.todos = this.collections.collection("todos", Todo.class);
		this.group = "g-" + groups.incrementAndGet();
	}

	@Test
	void listShouldAnswerTheItemsSortedById() {
		this.todos.set(this.group, "b", new Todo("second", 2, List.of())).block(TIMEOUT);
		this.todos.set(this.group, "c", new Todo("third", 3, List.of("x"))).block(TIMEOUT);
		this.todos.set(this.group, "a", new Todo("first", 1, List.of())).block(TIMEOUT);
		JsonNode items = this.http.get()
			.uri("/evstream/collections/todos/{group}?token={token}", this.group, ANN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(items).isEqualTo(json.readTree("[{\"id\":\"a\",\"data\":{\"title\":\"first\",\"n\":1,\"tags\":[]}},"
				+ "{\"id\":\"b\",\"data\":{\"title\":\"second\",\"n\":2,\"tags\":[]}},"
				+ "{\"id\":\"c\",\"data\":{\"title\":\"third\",\"n\":3,\"tags\":[\"x\"]}}]"));
	}

	@Test
	void listShouldTakeABearerTokenAndAnswerAnEmptyGroupAsAnEmptyArray() {
		this.http.get()
			.uri("/evstream/collections/todos/{group}", this.group)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("[]");
	}

	@Test
	void listWithoutTokenShouldAnswer401() {
		Problems.expect(this.http.get().uri("/evstream/collections/todos/{group}", this.group).exchange(), 401, null);
	}

	@Test
	void listOfAChannelTheAuthorizerRefusesShouldAnswer403() {
		Problems.expect(this.http.get().uri("/evstream/collections/todos/secret?token={token}", ANN).exchange(), 403,
				"Not allowed to listen to channel 'todos/secret'");
	}

	@Test
	void listOfAnUnknownCollectionShouldAnswer404() {
		Problems.expect(
				this.http.get().uri("/evstream/collections/nothing/{group}?token={token}", this.group, ANN).exchange(),
				404, "There is no collection 'nothing'");
	}

	@Test
	void listWithABadNameShouldAnswer400() {
		Problems.expect(this.http.get().uri("/evstream/collections/todos/a!b?token={token}", ANN).exchange(), 400,
				null);
		Problems.expect(
				this.http.get().uri("/evstream/collections/to$dos/{group}?token={token}", this.group, ANN).exchange(),
				400, null);
	}

	@Test
	void writesShouldAnswerTheItemAndBroadcastEachChangeWithItsOperationId() {
		String channel = "todos/" + this.group;
		try (SseTestClient client = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=" + channel,
				Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + ANN))) {
			assertThat(data(client.awaitEvent(channel, TIMEOUT)))
				.isEqualTo(json.readTree("{\"op\":\"snapshot\",\"items\":[]}"));
			assertThat(write("a", "{\"op\":\"set\",\"data\":{\"title\":\"milk\",\"n\":0,\"tags\":[]}}", "op-1")
				.expectStatus()
				.isOk()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody())
				.isEqualTo(json.readTree(
						"{\"id\":\"a\",\"data\":{\"title\":\"milk\",\"n\":0,\"tags\":[]},\"operationId\":\"op-1\"}"));
			assertThat(write("a",
					"{\"op\":\"update\",\"ops\":[{\"op\":\"increment\",\"path\":\"n\",\"by\":2},"
							+ "{\"op\":\"append\",\"path\":\"tags\",\"value\":\"dairy\"}]}",
					"op-2")
				.expectStatus()
				.isOk()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody()
				.get("data")).isEqualTo(json.readTree("{\"title\":\"milk\",\"n\":2,\"tags\":[\"dairy\"]}"));
			write("a", "{\"op\":\"delete\"}", "op-3").expectStatus()
				.isOk()
				.expectBody()
				.json("{\"id\":\"a\",\"data\":null,\"operationId\":\"op-3\"}");
			List<SseEvent> events = client.awaitCount(channel, 4, TIMEOUT);
			assertThat(data(events.get(1))).isEqualTo(json.readTree("{\"op\":\"create\",\"id\":\"a\","
					+ "\"data\":{\"title\":\"milk\",\"n\":0,\"tags\":[]},\"operationId\":\"op-1\"}"));
			assertThat(data(events.get(2))).isEqualTo(json.readTree("{\"op\":\"update\",\"id\":\"a\","
					+ "\"data\":{\"title\":\"milk\",\"n\":2,\"tags\":[\"dairy\"]},\"operationId\":\"op-2\"}"));
			assertThat(data(events.get(3)))
				.isEqualTo(json.readTree("{\"op\":\"delete\",\"id\":\"a\",\"operationId\":\"op-3\"}"));
		}
		assertThat(this.todos.get(this.group, "a").blockOptional(TIMEOUT)).isEmpty();
	}

	@Test
	void retriedIdempotencyKeyShouldApplyOnce() {
		this.todos.set(this.group, "a", new Todo("milk", 0, List.of())).block(TIMEOUT);
		String increment = "{\"op\":\"update\",\"ops\":[{\"op\":\"increment\",\"path\":\"n\",\"by\":1}]}";
		write("a", increment, "op-retried").expectStatus().isOk();
		JsonNode retried = write("a", increment, "op-retried").expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(retried.get("data").get("n").intValue()).isEqualTo(1);
		assertThat(this.todos.get(this.group, "a").block(TIMEOUT).n()).isEqualTo(1);
	}

	@Test
	void updateThatCannotApplyShouldAnswer422AndWriteNothing() {
		this.todos.set(this.group, "a", new Todo("milk", 0, List.of())).block(TIMEOUT);
		Problems.expect(
				write("a", "{\"op\":\"update\",\"ops\":[{\"op\":\"increment\",\"path\":\"title\",\"by\":1}]}", null),
				422, null);
		Problems.expect(write("a", "{\"op\":\"update\",\"ops\":[{\"op\":\"remove\",\"path\":\"missing\"}]}", null), 422,
				null);
		Problems.expect(write("a", "{\"op\":\"set\",\"data\":{\"title\":[]}}", null), 422, null);
		assertThat(this.todos.get(this.group, "a").block(TIMEOUT)).isEqualTo(new Todo("milk", 0, List.of()));
	}

	@Test
	void writesOverTheLimitsShouldAnswer422AndWriteNothing() {
		for (String id : List.of("a", "b", "c")) {
			write(id, "{\"op\":\"set\",\"data\":{\"title\":\"" + id + "\",\"n\":0,\"tags\":[]}}", null).expectStatus()
				.isOk();
		}
		Problems.expect(write("d", "{\"op\":\"set\",\"data\":{\"title\":\"d\",\"n\":0,\"tags\":[]}}", null), 422, null);
		Problems.expect(write("a",
				"{\"op\":\"set\",\"data\":{\"title\":\"" + "x".repeat(300) + "\",\"n\":0,\"tags\":[]}}", null), 422,
				null);
		assertThat(this.todos.list(this.group).block(TIMEOUT)).containsOnlyKeys("a", "b", "c")
			.containsEntry("a", new Todo("a", 0, List.of()));
	}

	@Test
	void updateOfAMissingItemShouldAnswer404() {
		Problems.expect(
				write("nobody", "{\"op\":\"update\",\"ops\":[{\"op\":\"increment\",\"path\":\"n\",\"by\":1}]}", null),
				404, null);
		assertThat(this.todos.list(this.group).block(TIMEOUT)).isEmpty();
	}

	@Test
	void writeToAnUnknownCollectionShouldAnswer404() {
		Problems.expect(this.http.post()
			.uri("/evstream/collections/nothing/{group}/a", this.group)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"delete\"}")
			.exchange(), 404, "There is no collection 'nothing'");
	}

	@Test
	void writeTheAuthorizerRefusesShouldAnswer403AndWriteNothing() {
		Problems.expect(this.http.post()
			.uri("/evstream/collections/todos/{group}/a", this.group)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + BOB)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"title\":\"x\",\"n\":0,\"tags\":[]}}")
			.exchange(), 403, "Not allowed to write item 'a' of collection 'todos'");
		assertThat(this.todos.list(this.group).block(TIMEOUT)).isEmpty();
	}

	@Test
	void badWritesShouldAnswer400AndWriteNothing() {
		Problems.expect(write("a", "{\"op\":\"bogus\"}", null), 400, null);
		Problems.expect(write("a", "{\"op\":\"set\"", null), 400, null);
		Problems.expect(write("a", "{\"op\":\"delete\"}", "no spaces allowed"), 400, null);
		Problems.expect(write("a!b", "{\"op\":\"delete\"}", null), 400, null);
		Problems.expect(
				this.http.post()
					.uri("/evstream/collections/to$dos/{group}/a", this.group)
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"op\":\"delete\"}")
					.exchange(),
				400, "Stream name 'to$dos' is invalid: use 1 to 64 characters from A-Z a-z 0-9 _ . : @ -");
		Problems.expect(this.http.post()
			.uri("/evstream/collections/todos/{group}/a?token={token}", this.group, ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"delete\"}")
			.exchange(), 400, null);
		assertThat(this.todos.list(this.group).block(TIMEOUT)).isEmpty();
	}

	@Test
	void writeWithoutTokenShouldAnswer401() {
		Problems.expect(this.http.post()
			.uri("/evstream/collections/todos/{group}/a", this.group)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"delete\"}")
			.exchange(), 401, null);
	}

	@Test
	void nonJsonWriteShouldAnswer415() {
		this.http.post()
			.uri("/evstream/collections/todos/{group}/a", this.group)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("{\"op\":\"set\",\"data\":{\"title\":\"x\",\"n\":0,\"tags\":[]}}")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
		assertThat(this.todos.list(this.group).block(TIMEOUT)).isEmpty();
	}

	@Test
	void otherMethodsShouldAnswer405() {
		this.http.put()
			.uri("/evstream/collections/todos/{group}/a", this.group)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
		this.http.get()
			.uri("/evstream/collections/todos/{group}/a", this.group)
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
		this.http.post()
			.uri("/evstream/collections/todos/{group}", this.group)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET");
	}

	private WebTestClient.ResponseSpec write(String id, String body, String operationId) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/evstream/collections/todos/{group}/{id}", this.group, id)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON);
		if (operationId != null) {
			request.header("Idempotency-Key", operationId);
		}
		return request.bodyValue(body).exchange();
	}

	private static JsonNode data(SseEvent event) {
		return json.readTree(event.data());
	}

	record Todo(String title, int n, List<String> tags) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Security {

		@Bean
		ChannelAuthorizer authorizer() {
			return (principal, channel) -> Mono.just(!channel.endsWith("/secret"));
		}

		@Bean
		EvCollectionWriteAuthorizer writeAuthorizer() {
			return (principal, stream, write) -> principal.name().equals("ann");
		}

	}

}
