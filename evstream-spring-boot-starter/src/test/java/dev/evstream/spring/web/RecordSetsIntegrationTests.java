package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvActionAuthorizer;
import dev.evstream.core.record.EvActionRefusedException;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actions on record sets over {@code POST /evstream/actions/{name}}, reads over
 * {@code GET /evstream/records/{name}}, and the changes they broadcast on the set's
 * channel. The application's database is a table in this process, as an application's
 * handler would change it in a transaction.
 */
@SpringBootTest(classes = { TestApplication.class, TwoUsers.class, RecordSetsIntegrationTests.Security.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.retry=2s")
class RecordSetsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ANN = TwoUsers.ANN;

	private static final String BOB = TwoUsers.BOB;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger names = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	EvRecords records;

	private WebTestClient http;

	private String name;

	private Table table;

	private EvRecordSet<Note, NoteAction> notes;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.name = "notes-" + names.incrementAndGet();
		this.table = new Table();
		this.notes = this.records.register(this.name, this.table.model());
	}

	@Test
	void actionShouldAnswerTheChangedRecordsAndReachListenersWithItsOperationId() {
		try (SseTestClient client = listen(ANN)) {
			assertThat(data(client.awaitEvent(this.name, TIMEOUT)))
				.isEqualTo(json.readTree("{\"op\":\"snapshot\",\"records\":[]}"));
			act(ANN, "op-1", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}").expectStatus()
				.isOk()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.expectBody()
				.json("{\"records\":[{\"id\":\"a\",\"version\":1,\"record\":{\"id\":\"a\",\"text\":\"milk\","
						+ "\"version\":1,\"deleted\":false}}]}", true);
			act(ANN, null, "{\"type\":\"delete\",\"id\":\"a\"}").expectStatus()
				.isOk()
				.expectBody()
				.json("{\"records\":[{\"id\":\"a\",\"version\":2,\"deleted\":true}]}", true);
			List<SseEvent> events = client.awaitCount(this.name, 3, TIMEOUT);
			assertThat(data(events.get(1))).isEqualTo(json.readTree("{\"op\":\"changes\",\"records\":[{\"id\":\"a\","
					+ "\"version\":1,\"record\":{\"id\":\"a\",\"text\":\"milk\",\"version\":1,\"deleted\":false}}],"
					+ "\"operationId\":\"op-1\"}"));
			assertThat(data(events.get(2))).isEqualTo(
					json.readTree("{\"op\":\"changes\",\"records\":[{\"id\":\"a\",\"version\":2,\"deleted\":true}]}"));
		}
		try (SseTestClient later = listen(BOB)) {
			assertThat(data(later.awaitEvent(this.name, TIMEOUT))).isEqualTo(
					json.readTree("{\"op\":\"snapshot\",\"records\":[{\"id\":\"a\",\"version\":2,\"deleted\":true}]}"));
		}
	}

	@Test
	void retriedIdempotencyKeyShouldRunTheActionOnceAndAnswerTheSame() {
		String create = "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}";
		String first = body(act(ANN, "op-retried", create).expectStatus().isOk());
		String second = body(act(ANN, "op-retried", create).expectStatus().isOk());
		assertThat(second).isEqualTo(first);
		assertThat(this.table.actions.get()).isEqualTo(1);
		assertThat(this.table.rows()).containsOnlyKeys("a");
	}

	@Test
	void actionWhoseFirstTryStillRunsShouldAnswer409() throws InterruptedException {
		CountDownLatch held = this.table.hold();
		try {
			WebTestClient.ResponseSpec[] first = new WebTestClient.ResponseSpec[1];
			Thread firstTry = new Thread(
					() -> first[0] = act(ANN, "op-slow", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"));
			firstTry.start();
			assertThat(this.table.entered.await(10, TimeUnit.SECONDS)).isTrue();
			Problems.expect(act(ANN, "op-slow", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"), 409,
					"Action 'op-slow' of record set '" + this.name
							+ "' is still running; retry it later for its outcome");
			held.countDown();
			firstTry.join(10_000);
			first[0].expectStatus().isOk();
		}
		finally {
			held.countDown();
		}
		assertThat(this.table.actions.get()).isEqualTo(1);
	}

	@Test
	void actionTheHandlerRefusesShouldAnswer422WithTheReasonAndChangeNothing() {
		Problems.expect(act(ANN, "op-refused", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"\"}"), 422,
				"A note needs a text");
		Problems.expect(act(ANN, null, "{\"type\":\"delete\",\"id\":\"nothing\"}"), 422, "There is no note 'nothing'");
		assertThat(this.table.rows()).isEmpty();
		// a refused action leaves its key free
		act(ANN, "op-refused", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}").expectStatus().isOk();
		assertThat(this.table.rows()).containsOnlyKeys("a");
	}

	@Test
	void actionTheAuthorizerRefusesShouldAnswer403AndChangeNothing() {
		Problems.expect(act(BOB, null, "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"), 403,
				"Not allowed to send this action to record set '" + this.name + "'");
		assertThat(this.table.rows()).isEmpty();
		assertThat(this.table.actions.get()).isZero();
	}

	@Test
	void actionOnAnUnknownRecordSetShouldAnswer404OnlyToWhomItIsAllowed() {
		Problems.expect(this.http.post()
			.uri("/evstream/actions/nothing")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"create\"}"), 404, "There is no record set 'nothing'");
		Problems.expect(
				this.http.post()
					.uri("/evstream/actions/nothing")
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + BOB)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"type\":\"create\"}"),
				403, "Not allowed to send this action to record set 'nothing'");
	}

	@Test
	void badActionsShouldAnswer400AndChangeNothing() {
		Problems.expect(act(ANN, null, "{\"type\":\"create\""), 400, null);
		Problems.expect(act(ANN, null, "[]"), 400, null);
		Problems.expect(act(ANN, null, "{\"type\":\"create\",\"id\":[]}"), 400, null);
		Problems.expect(act(ANN, "no spaces allowed", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"), 400,
				"An operation id must be 1 to 64 characters among A-Z, a-z, 0-9, '_', '.', ':' and '-'");
		Problems.expect(
				this.http.post()
					.uri("/evstream/actions/a!b")
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"type\":\"create\"}"),
				400, "Record set name 'a!b' is invalid: use 1 to 64 characters from A-Z a-z 0-9 _ . : @ -");
		Problems.expect(
				this.http.post()
					.uri("/evstream/actions/{name}?token={token}", this.name, ANN)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"),
				400, "Send the token of a write as an 'Authorization: Bearer' header, not as query parameter 'token'");
		assertThat(this.table.rows()).isEmpty();
		assertThat(this.table.actions.get()).isZero();
	}

	@Test
	void actionWithoutTokenShouldAnswer401AndWithoutJsonShouldAnswer415() {
		Problems.expect(this.http.post()
			.uri("/evstream/actions/{name}", this.name)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}"), 401, null);
		this.http.post()
			.uri("/evstream/actions/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		act(ANN, null, "{\"type\":\"create\",\"id\":\"a\",\"text\":\"" + "x".repeat(300 * 1024) + "\"}").expectStatus()
			.isEqualTo(413);
		assertThat(this.table.rows()).isEmpty();
	}

	@Test
	void databaseThatCannotBeReachedShouldAnswer503AndAFailingHandler500() {
		this.table.failWith(new DataAccessResourceFailureException("Connection refused"));
		this.http.post()
			.uri("/evstream/actions/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.header(EvstreamStateWriteHandler.OPERATION_ID_HEADER, "op-down")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.table.failWith(new IllegalStateException("a defect"));
		act(ANN, null, "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}").expectStatus().isEqualTo(500);
		this.table.failWith(null);
		// the key of the try that failed is free again
		act(ANN, "op-down", "{\"type\":\"create\",\"id\":\"a\",\"text\":\"milk\"}").expectStatus().isOk();
	}

	@Test
	void recordsShouldBeReadInIdOrderWithTombstonesAndSinceAVersion() {
		this.notes.act(new NoteAction("create", "b", "bread"), EvPrincipal.of("server")).block(TIMEOUT);
		this.notes.act(new NoteAction("create", "a", "milk"), EvPrincipal.of("server")).block(TIMEOUT);
		this.notes.act(new NoteAction("delete", "b", null), EvPrincipal.of("server")).block(TIMEOUT);
		read(ANN, "").expectStatus()
			.isOk()
			.expectBody()
			.json("{\"records\":[{\"id\":\"a\",\"version\":2,\"record\":{\"id\":\"a\",\"text\":\"milk\","
					+ "\"version\":2,\"deleted\":false}},{\"id\":\"b\",\"version\":3,\"deleted\":true}]}", true);
		read(ANN, "?since=2").expectStatus()
			.isOk()
			.expectBody()
			.json("{\"records\":[{\"id\":\"b\",\"version\":3,\"deleted\":true}]}", true);
		read(ANN, "?since=3").expectStatus().isOk().expectBody().json("{\"records\":[]}", true);
		Problems.expect(read(ANN, "?since=-1"), 400,
				"'since' must be a version, a whole number of at least 0," + " but was '-1'");
		Problems.expect(read(ANN, "?since=soon"), 400,
				"'since' must be a version, a whole number of at least 0," + " but was 'soon'");
	}

	@Test
	void readsShouldBeAuthorizedAsListeningIs() {
		Problems.expect(read(null, ""), 401, null);
		Problems.expect(
				this.http.get().uri("/evstream/records/secret").header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN), 403,
				null);
		Problems.expect(
				this.http.get().uri("/evstream/records/nothing").header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN),
				404, "There is no record set 'nothing'");
		read(ANN, "?token=" + ANN).expectStatus().isOk();
	}

	@Test
	void otherMethodsShouldAnswer405() {
		this.http.put()
			.uri("/evstream/actions/{name}", this.name)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "POST");
		this.http.post()
			.uri("/evstream/records/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + ANN)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET");
	}

	private SseTestClient listen(String token) {
		return SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=" + this.name,
				Map.of(HttpHeaders.AUTHORIZATION, "Bearer " + token));
	}

	private WebTestClient.ResponseSpec act(String token, @Nullable String operationId, String body) {
		return this.http.post()
			.uri("/evstream/actions/{name}", this.name)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.headers((headers) -> {
				if (operationId != null) {
					headers.set(EvstreamStateWriteHandler.OPERATION_ID_HEADER, operationId);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private WebTestClient.ResponseSpec read(@Nullable String token, String query) {
		return this.http.get().uri("/evstream/records/" + this.name + query).headers((headers) -> {
			if (token != null && !query.contains("token=")) {
				headers.setBearerAuth(token);
			}
		}).exchange();
	}

	private static String body(WebTestClient.ResponseSpec response) {
		return response.expectBody(String.class).returnResult().getResponseBody();
	}

	private static JsonNode data(SseEvent event) {
		return json.readTree(event.data());
	}

	/**
	 * A note as the application's database holds it.
	 */
	record Note(String id, String text, long version, boolean deleted) {
	}

	/**
	 * An action on notes: {@code create} (with a text) or {@code delete}.
	 */
	record NoteAction(String type, String id, @Nullable String text) {
	}

	/**
	 * The application's table of notes: a handler changes it under one lock, as a
	 * transaction would, with versions from one sequence.
	 */
	static final class Table {

		final AtomicInteger actions = new AtomicInteger();

		final CountDownLatch entered = new CountDownLatch(1);

		private final Map<String, Note> rows = new TreeMap<>();

		private long sequence;

		private volatile @Nullable CountDownLatch held;

		private volatile @Nullable RuntimeException failure;

		EvRecordSetModel<Note, NoteAction> model() {
			return EvRecordSetModel.of(Note.class, NoteAction.class)
				.id(Note::id)
				.version(Note::version)
				.deleted(Note::deleted)
				.loader((since) -> Flux.fromIterable(rows().values()).filter((note) -> note.version() > since))
				.onAction((recordSet, action, principal) -> Mono.fromCallable(() -> apply(action)));
		}

		synchronized Map<String, Note> rows() {
			return new TreeMap<>(this.rows);
		}

		CountDownLatch hold() {
			CountDownLatch held = new CountDownLatch(1);
			this.held = held;
			return held;
		}

		void failWith(@Nullable RuntimeException failure) {
			this.failure = failure;
		}

		private Note apply(NoteAction action) throws InterruptedException {
			this.entered.countDown();
			CountDownLatch held = this.held;
			if (held != null) {
				held.await(10, TimeUnit.SECONDS);
			}
			RuntimeException failure = this.failure;
			if (failure != null) {
				throw failure;
			}
			synchronized (this) {
				Note note = switch (action.type()) {
					case "create" -> create(action);
					case "delete" -> delete(action);
					default -> throw new EvActionRefusedException("Unknown action '" + action.type() + "'");
				};
				this.rows.put(note.id(), note);
				this.actions.incrementAndGet();
				return note;
			}
		}

		private Note create(NoteAction action) {
			if (action.text() == null || action.text().isEmpty()) {
				throw new EvActionRefusedException("A note needs a text");
			}
			return new Note(action.id(), action.text(), ++this.sequence, false);
		}

		private Note delete(NoteAction action) {
			Note note = this.rows.get(action.id());
			if (note == null) {
				throw new EvActionRefusedException("There is no note '" + action.id() + "'");
			}
			return new Note(note.id(), note.text(), ++this.sequence, true);
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Security {

		@Bean
		ChannelAuthorizer channelAuthorizer() {
			return (principal, channel) -> Mono.just(!channel.equals("secret"));
		}

		@Bean
		EvActionAuthorizer actionAuthorizer() {
			return (principal, recordSet, action) -> principal.name().equals("ann");
		}

	}

}
