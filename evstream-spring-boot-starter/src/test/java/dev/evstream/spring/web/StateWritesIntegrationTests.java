package dev.evstream.spring.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStateOptions;
import dev.evstream.core.EvStateUpdateRefusedException;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes from clients to states over {@code POST /evstream/states/{key}}: JSON merge
 * patches, operation ids, the state's interceptor and rules.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class StateWritesIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger keys = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	EvStateManager states;

	private WebTestClient http;

	private String key;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.key = "form-" + keys.incrementAndGet();
	}

	@Test
	void patchShouldMergeAnswerTheNewVersionAndBroadcastItWithItsOperationId() {
		declare(EvStateOptions.defaults().withClientWrites());
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=" + this.key)) {
			client.awaitEvent(this.key, TIMEOUT);
			JsonNode answer = patch("{\"title\":\"New\",\"notes\":null,\"tags\":[\"b\"]}", "op-1").expectStatus()
				.isOk()
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody();
			assertThat(answer).isEqualTo(json.readTree("{\"key\":\"" + this.key
					+ "\",\"version\":2,\"value\":{\"title\":\"New\",\"tags\":[\"b\"]},\"operationId\":\"op-1\"}"));
			assertThat(client.awaitCount(this.key, 2, TIMEOUT).get(1).data())
				.isEqualTo("{\"value\":{\"title\":\"New\",\"tags\":[\"b\"]},\"version\":2,\"operationId\":\"op-1\"}");
		}
	}

	@Test
	void retriedOperationIdShouldApplyOnce() {
		EvState<Map<String, Object>> form = declare(EvStateOptions.defaults().withClientWrites());
		patch("{\"title\":\"From the client\"}", "op-retried").expectStatus().isOk();
		form.set((value) -> {
			value.put("title", "From the server");
			return value;
		}).block(TIMEOUT);
		JsonNode retried = patch("{\"title\":\"From the client\"}", "op-retried").expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
		assertThat(retried.get("version").longValue()).isEqualTo(3);
		assertThat(form.get()).containsEntry("title", "From the server");
		assertThat(form.version()).isEqualTo(3);
	}

	@Test
	void interceptorShouldSeeThePatchAndMayChangeIt() {
		EvState<Map<String, Object>> form = declare(
				EvStateOptions.defaults().withClientWrites().interceptStateUpdate((patch, principal) -> {
					((ObjectNode) patch).put("by", principal.name());
					return patch;
				}));
		patch("{\"title\":\"x\"}", null).expectStatus().isOk();
		assertThat(form.get()).containsEntry("title", "x").containsEntry("by", "anonymous");
	}

	@Test
	void refusedPatchShouldAnswer422AndStoreAndBroadcastNothing() {
		EvState<Map<String, Object>> form = declare(
				EvStateOptions.defaults().withClientWrites().interceptStateUpdate((patch, principal) -> {
					if (patch.path("title").stringValue("").length() > 5) {
						throw new EvStateUpdateRefusedException("Titles are at most 5 characters");
					}
					return patch;
				}));
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=" + this.key)) {
			client.awaitEvent(this.key, TIMEOUT);
			Problems.expect(patch("{\"title\":\"Too long\"}", "op-2"), 422, "Titles are at most 5 characters");
			patch("{\"title\":\"ok\"}", null).expectStatus().isOk();
			List<SseEvent> events = client.awaitCount(this.key, 2, TIMEOUT);
			assertThat(events.get(1).data()).contains("\"title\":\"ok\"").doesNotContain("Too long");
		}
		assertThat(form.version()).isEqualTo(2);
	}

	@Test
	void patchLeavingAValueOfAnotherTypeShouldAnswer422() {
		this.states.createStateBlocking(this.key, Integer.class, 1, EvStateOptions.defaults().withClientWrites());
		Problems.expect(patch("{\"n\":1}", null), 422, null);
		assertThat(this.states.getState(this.key, Integer.class).get()).isEqualTo(1);
	}

	@Test
	void stateWithoutClientWritesShouldAnswer403() {
		declare(EvStateOptions.defaults());
		Problems.expect(patch("{\"title\":\"x\"}", null), 403,
				"State '" + this.key + "' does not accept writes from clients");
	}

	@Test
	void stateTheRuleRefusesShouldAnswer403ToListenAndToWrite() {
		declare(EvStateOptions.defaults().withClientWrites().allowConnectingClient((principal) -> false));
		Problems.expect(patch("{\"title\":\"x\"}", null), 403, "Not allowed to use state '" + this.key + "'");
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=" + this.key)) {
			assertThat(Problems.read(client, 403).get("detail").stringValue())
				.isEqualTo("Not allowed to listen to channel '" + this.key + "'");
		}
	}

	@Test
	void unknownStateShouldAnswer404() {
		Problems.expect(patch("{}", null), 404, "There is no state '" + this.key + "'");
	}

	@Test
	void badBodiesShouldAnswer400Or415AndChangeNothing() {
		EvState<Map<String, Object>> form = declare(EvStateOptions.defaults().withClientWrites());
		Problems.expect(
				this.http.post().uri("/evstream/states/" + this.key).contentType(MERGE_PATCH).bodyValue("{\"title\":"),
				400, null);
		Problems.expect(this.http.post().uri("/evstream/states/" + this.key).contentType(MERGE_PATCH).exchange(), 400,
				"A JSON merge patch is required as the body, for example {\"title\": \"New title\"}");
		Problems.expect(patch("{\"title\":\"x\"}", "no spaces allowed"), 400, null);
		this.http.post()
			.uri("/evstream/states/" + this.key)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("{\"title\":\"x\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(415);
		assertThat(form.version()).isEqualTo(1);
	}

	@Test
	void otherMethodsShouldAnswer405() {
		this.http.get()
			.uri("/evstream/states/" + this.key)
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
	}

	@Test
	void clientScriptShouldBeServedCacheableWithAnEtag() {
		WebTestClient.ResponseSpec first = this.http.get().uri("/evstream/client.js").exchange();
		first.expectStatus().isOk().expectHeader().contentTypeCompatibleWith("text/javascript");
		String etag = first.returnResult(String.class).getResponseHeaders().getETag();
		String body = this.http.get()
			.uri("/evstream/client.js")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).contains("export function connect(");
		assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
		this.http.get()
			.uri("/evstream/client.js")
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, etag)
			.expectBody()
			.isEmpty();
	}

	private EvState<Map<String, Object>> declare(EvStateOptions options) {
		Map<String, Object> initial = new LinkedHashMap<>();
		initial.put("title", "");
		initial.put("notes", "");
		return this.states.createStateBlocking(this.key, new TypeReference<Map<String, Object>>() {
		}, initial, options);
	}

	private WebTestClient.ResponseSpec patch(String body, String operationId) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/evstream/states/" + this.key)
			.contentType(MERGE_PATCH);
		if (operationId != null) {
			request.header("Idempotency-Key", operationId);
		}
		return request.bodyValue(body).exchange();
	}

}
