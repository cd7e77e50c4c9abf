package dev.evstream.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.evstream.sample.SharedTodos.SharedTodo;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Record set {@code shared-todos} on the default in-memory H2, over real HTTP: actions
 * reach listeners as {@code changes}, refused ones change nothing, an operation id runs
 * once, and a client that resumes ends equal to the database. Each test uses todos of its
 * own, since the database lives as long as the JVM.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SharedTodosIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String STREAM = "/evstream?channel=shared-todos";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	SharedTodoTable table;

	@Test
	void actionsShouldReachListenersAsChanges() throws Exception {
		String id = unique();
		try (SseTestClient sse = SseTestClient.get(this.port, STREAM)) {
			sse.awaitEvent("shared-todos", TIMEOUT);
			JsonNode created = ok(act(create(id, "milk"), null));
			SharedTodo row = row(id);
			assertThat(row.text()).isEqualTo("milk");
			assertThat(row.completed()).isFalse();
			assertThat(created).isEqualTo(listing(row));
			assertThat(awaitChanges(sse, 1).get(0)).isEqualTo(changes(row));
			ok(act(action("toggle", id, null), null));
			SharedTodo toggled = row(id);
			assertThat(toggled.completed()).isTrue();
			assertThat(toggled.updatedAt()).isGreaterThan(row.updatedAt());
			ok(act(action("update", id, "oat milk"), null));
			SharedTodo edited = row(id);
			assertThat(edited.text()).isEqualTo("oat milk");
			assertThat(edited.updatedAt()).isGreaterThan(toggled.updatedAt());
			JsonNode deleted = ok(act(action("delete", id, null), null));
			SharedTodo tombstone = row(id);
			assertThat(tombstone.deletedAt()).isNotNull();
			assertThat(tombstone.updatedAt()).isGreaterThan(edited.updatedAt());
			assertThat(deleted.toString()).isEqualTo("{\"records\":[{\"id\":\"" + id + "\",\"version\":"
					+ tombstone.updatedAt() + ",\"deleted\":true}]}");
			assertThat(awaitChanges(sse, 4)).containsExactly(changes(row), changes(toggled), changes(edited),
					json("{\"op\":\"changes\",\"records\":" + deleted.path("records") + "}"));
		}
	}

	@Test
	void snapshotShouldHoldLiveRecordsAndTombstones() throws Exception {
		String live = unique();
		String gone = unique();
		ok(act(create(live, "kept"), null));
		ok(act(create(gone, "deleted"), null));
		ok(act(action("delete", gone, null), null));
		try (SseTestClient sse = SseTestClient.get(this.port, STREAM)) {
			JsonNode snapshot = json(sse.awaitEvent("shared-todos", TIMEOUT).data());
			assertThat(snapshot.path("op").asString()).isEqualTo("snapshot");
			RecordSetView view = RecordSetView.of(sse.events(), "shared-todos");
			assertThat(view.entry(live)).isEqualTo(entry(row(live)));
			assertThat(view.entry(gone).toString())
				.isEqualTo("{\"id\":\"" + gone + "\",\"version\":" + row(gone).updatedAt() + ",\"deleted\":true}");
			assertThat(view.listing()).isEqualTo(records(null));
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"{\"type\":\"update\",\"payload\":{\"id\":\"$id\",\"text\":\"\"}}|422|'text' must not be empty",
			"{\"type\":\"update\",\"payload\":{\"id\":\"$id\",\"text\":\"   \"}}|422|'text' must not be empty",
			"{\"type\":\"update\",\"payload\":{\"id\":\"$id\",\"text\":\"$long\"}}|422|'text' must be at most 200 characters, but has 201",
			"{\"type\":\"toggle\",\"payload\":{\"id\":\"no-such-todo\"}}|422|There is no todo 'no-such-todo'",
			"{\"type\":\"delete\",\"payload\":{\"id\":\"no-such-todo\"}}|422|There is no todo 'no-such-todo'",
			"{\"type\":\"create\",\"payload\":{\"id\":\"a b\",\"text\":\"x\"}}|422|'id' must be 1 to 64 of",
			"{\"type\":\"create\",\"payload\":{\"text\":\"x\"}}|422|'id' must be 1 to 64 of",
			"{\"type\":\"archive\",\"payload\":{\"id\":\"$id\"}}|422|Unknown action type 'archive'",
			"{\"type\":\"toggle\"}|422|Action 'toggle' needs a payload",
			"{\"payload\":{\"id\":\"$id\"}}|422|An action needs a type",
			"{\"type\":\"update\",\"payload\":{\"id\":\"$id\",\"text\":[]}}|400|The action is not a valid Action",
			"{\"type\":\"update\",|400|``", "[1]|400|``" })
	void refusedActionShouldAnswerProblemAndChangeNothing(String body, int status, String detail) throws Exception {
		String id = unique();
		ok(act(create(id, "unchanged"), null));
		ok(act(action("delete", ok(act(create(unique(), "deleted"), null)).path("records").get(0).path("id").asString(),
				null), null));
		JsonNode before = records(null);
		try (SseTestClient sse = SseTestClient.get(this.port, STREAM)) {
			sse.awaitEvent("shared-todos", TIMEOUT);
			HttpResponse<String> response = act(body.replace("$id", id).replace("$long", "x".repeat(201)), null);
			assertThat(response.statusCode()).isEqualTo(status);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(json(response.body()).path("detail").asString()).startsWith(detail);
			assertThat(records(null)).isEqualTo(before);
			// a change that did get through would show after this one's
			String marker = unique();
			ok(act(create(marker, "marker"), null));
			assertThat(awaitChanges(sse, 1)).containsExactly(changes(row(marker)));
		}
	}

	@Test
	void updateOfDeletedTodoShouldBeRefused() throws Exception {
		String id = unique();
		ok(act(create(id, "soon gone"), null));
		ok(act(action("delete", id, null), null));
		SharedTodo deleted = row(id);
		HttpResponse<String> response = act(action("update", id, "back?"), null);
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(json(response.body()).path("detail").asString()).isEqualTo("Todo '" + id + "' is deleted");
		assertThat(ok(act(action("delete", id, null), null)).toString()).isEqualTo("{\"records\":[]}");
		assertThat(row(id)).isEqualTo(deleted);
	}

	@Test
	void createSentAgainUnderAnotherKeyShouldCreateOneTodo() throws Exception {
		String id = unique();
		ok(act(create(id, "once"), unique()));
		SharedTodo created = row(id);
		assertThat(ok(act(create(id, "twice"), unique())).toString()).isEqualTo("{\"records\":[]}");
		assertThat(row(id)).isEqualTo(created);
	}

	@Test
	void retriedIdempotencyKeyShouldBeAppliedOnce() throws Exception {
		String id = unique();
		ok(act(create(id, "toggle me once"), null));
		String key = "key-" + unique();
		try (SseTestClient sse = SseTestClient.get(this.port, STREAM)) {
			sse.awaitEvent("shared-todos", TIMEOUT);
			JsonNode first = ok(act(action("toggle", id, null), key));
			JsonNode second = ok(act(action("toggle", id, null), key));
			assertThat(second).isEqualTo(first);
			SharedTodo row = row(id);
			assertThat(row.completed()).as("toggled once").isTrue();
			assertThat(first).isEqualTo(listing(row));
			// the retry broadcasts the first outcome again, in case its broadcast was
			// lost
			JsonNode changes = json(
					"{\"op\":\"changes\",\"records\":" + first.path("records") + ",\"operationId\":\"" + key + "\"}");
			assertThat(awaitChanges(sse, 2)).containsExactly(changes, changes);
		}
	}

	@Test
	void resumingClientShouldEndEqualToTheDatabase() throws Exception {
		String kept = unique();
		String toggled = unique();
		String deleted = unique();
		for (String id : List.of(kept, toggled, deleted)) {
			ok(act(create(id, "before the cut"), null));
		}
		String lastEventId;
		List<SseEvent> beforeCut;
		try (SseTestClient sse = SseTestClient.get(this.port, STREAM)) {
			sse.awaitEvent("shared-todos", TIMEOUT);
			beforeCut = sse.events();
			lastEventId = sse.lastEventId();
		}
		String created = unique();
		ok(act(action("toggle", toggled, null), null));
		ok(act(action("delete", deleted, null), null));
		ok(act(create(created, "while away"), null));
		ok(act(action("update", created, "while away, edited"), null));
		try (SseTestClient sse = SseTestClient.get("127.0.0.1", this.port, STREAM,
				Map.of("Last-Event-ID", lastEventId))) {
			List<SseEvent> resumed = sse.awaitEvents(
					(events) -> events.stream().filter((event) -> event.event().equals("shared-todos")).count() >= 4,
					TIMEOUT);
			assertThat(resumed).filteredOn((event) -> event.event().equals("shared-todos"))
				.extracting((event) -> json(event.data()).path("op").asString())
				.as("missed changes replayed, no new snapshot")
				.containsOnly("changes");
			List<SseEvent> all = new java.util.ArrayList<>(beforeCut);
			all.addAll(resumed);
			RecordSetView view = RecordSetView.of(all, "shared-todos");
			assertThat(view.listing()).isEqualTo(records(null));
			assertThat(view.entry(deleted).path("deleted").asBoolean()).isTrue();
			assertThat(view.entry(toggled).path("record").path("completed").asBoolean()).isTrue();
			assertThat(view.entry(created).path("record").path("text").asString()).isEqualTo("while away, edited");
		}
	}

	@Test
	void recordsSinceAVersionShouldListLaterChangesOnly() throws Exception {
		String before = unique();
		ok(act(create(before, "before"), null));
		long since = row(before).updatedAt();
		String after = unique();
		ok(act(create(after, "after"), null));
		JsonNode later = records(since);
		assertThat(later.path("records").findValuesAsString("id")).contains(after).doesNotContain(before);
	}

	private HttpResponse<String> act(String body, String key) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/evstream/actions/shared-todos"))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode records(Long since) throws Exception {
		String query = (since != null) ? "?since=" + since : "";
		HttpResponse<String> response = HTTP.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/evstream/records/shared-todos" + query))
			.timeout(TIMEOUT)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return json(response.body());
	}

	private SharedTodo row(String id) {
		return this.table.find(id).block(TIMEOUT);
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response.body());
	}

	private static List<JsonNode> awaitChanges(SseTestClient sse, int count) {
		sse.awaitEvents((events) -> changesOf(events).size() >= count, TIMEOUT);
		return changesOf(sse.events());
	}

	private static List<JsonNode> changesOf(List<SseEvent> events) {
		return events.stream()
			.filter((event) -> event.event().equals("shared-todos"))
			.map((event) -> json(event.data()))
			.filter((data) -> data.path("op").asString().equals("changes"))
			.toList();
	}

	static String create(String id, String text) {
		return action("create", id, text);
	}

	static String action(String type, String id, String text) {
		return "{\"type\":\"" + type + "\",\"payload\":{\"id\":\"" + id + "\""
				+ ((text != null) ? ",\"text\":\"" + text + "\"" : "") + "}}";
	}

	static JsonNode entry(SharedTodo todo) {
		return JsonMapper.shared()
			.createObjectNode()
			.put("id", todo.id())
			.put("version", todo.updatedAt())
			.set("record", JsonMapper.shared().valueToTree(todo));
	}

	private static JsonNode listing(SharedTodo todo) {
		return json("{\"records\":[" + entry(todo) + "]}");
	}

	private static JsonNode changes(SharedTodo todo) {
		return json("{\"op\":\"changes\",\"records\":[" + entry(todo) + "]}");
	}

	static JsonNode json(String text) {
		return JsonMapper.shared().readTree(text);
	}

	static String unique() {
		return "t-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
