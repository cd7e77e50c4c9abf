package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvActionRefusedException;
import dev.evstream.core.record.EvActionRunningException;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import dev.evstream.test.SseEvent;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A record set on three replicas that share one Redis and one application database:
 * whichever replica runs an action or a listener connects to, every listener ends with
 * the database's rows, a soft-deleted row never comes back, and an operation id runs once
 * across the replicas.
 */
class RecordSetReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private static final int HISTORY = 20;

	private static final String SET = "todos";

	private static final String END = "~end";

	private final Table table = new Table();

	private final List<Replica> replicas = new ArrayList<>();

	private final List<StreamListener> listeners = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		String prefix = RedisConnections.isolatedKeys().prefix();
		for (int i = 0; i < 3; i++) {
			this.replicas.add(Replica.start(RedisServer.shared(), prefix, this.table));
		}
	}

	@AfterEach
	void stopReplicas() {
		this.listeners.forEach(StreamListener::dispose);
		this.replicas.forEach(Replica::close);
	}

	@Test
	void concurrentUpdatesOfOneRowOnTwoReplicasShouldLeaveEveryListenerOnTheTablesRow() throws Exception {
		replica(0).todos.act(Action.create("shared", "first"), ANN).block(TIMEOUT);
		List<StreamListener> joined = new ArrayList<>();
		for (Replica replica : this.replicas) {
			for (int i = 0; i < 2; i++) {
				StreamListener listener = connect(replica, null);
				listener.await((events) -> !events(listener).isEmpty());
				joined.add(listener);
			}
		}
		int updates = 100;
		ExecutorService pool = Executors.newFixedThreadPool(2);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (int r = 0; r < 2; r++) {
			Replica replica = replica(r);
			String writer = "w" + r;
			done.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < updates; i++) {
					replica.todos
						.actFromClient(JSON.valueToTree(Action.edit("shared", writer + "-" + i)), ANN, writer + "-" + i)
						.block(TIMEOUT);
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : done) {
			future.get(1, TimeUnit.MINUTES);
		}
		pool.shutdown();
		replica(2).todos.act(Action.create(END, "end"), ANN).block(TIMEOUT);
		Map<String, Known> expected = expected(this.table.rows());
		assertThat(expected.get("shared").version()).isEqualTo(2 * updates + 1);
		for (StreamListener listener : joined) {
			awaitEnd(listener);
			assertThat(view(events(listener))).isEqualTo(expected);
			// every update reached every replica once, whichever replica ran it
			assertThat(events(listener)).hasSize(1 + 2 * updates + 1);
		}
	}

	@Test
	void softDeletedRecordShouldNeverComeBackEvenWhenAnOlderBroadcastArrivesLate() {
		replica(0).todos.act(Action.create("a", "bread"), ANN).block(TIMEOUT);
		Todo before = replica(1).todos.act(Action.edit("a", "rye bread"), ANN).block(TIMEOUT).get(0);
		List<StreamListener> joined = new ArrayList<>();
		for (Replica replica : this.replicas) {
			StreamListener listener = connect(replica, null);
			listener.await((events) -> !events(listener).isEmpty());
			joined.add(listener);
		}
		Todo deleted = replica(1).todos.act(Action.delete("a"), ANN).block(TIMEOUT).get(0);
		assertThat(deleted.deletedAt()).isNotNull();
		// a broadcast of the row from before the delete, arriving after it, as from a
		// replica whose broadcast was held up
		replica(2).todos.broadcast(List.of(before)).block(TIMEOUT);
		replica(0).todos.act(Action.create(END, "end"), ANN).block(TIMEOUT);
		Map<String, Known> expected = expected(this.table.rows());
		assertThat(expected.get("a")).isEqualTo(new Known(deleted.version(), true, null));
		for (StreamListener listener : joined) {
			awaitEnd(listener);
			assertThat(events(listener)).extracting((event) -> op(event))
				.containsExactly("snapshot", "changes", "changes", "changes");
			assertThat(view(events(listener))).isEqualTo(expected);
		}
		// nor for a listener that joins afterwards, nor from the loader since a version
		StreamListener late = connect(replica(2), null);
		late.await((events) -> !events(late).isEmpty());
		assertThat(view(events(late))).isEqualTo(expected);
		assertThat(replica(0).todos.loadJson(before.version()).block(TIMEOUT))
			.contains("{\"id\":\"a\",\"version\":" + deleted.version() + ",\"deleted\":true}");
	}

	@Test
	void operationIdRetriedOnAnotherReplicaShouldAnswerTheFirstOutcomeWithoutRunningAgain() {
		StreamListener listener = connect(replica(2), null);
		listener.await((events) -> !events(listener).isEmpty());
		JsonNode action = JSON.valueToTree(Action.create("a", "bread"));
		String first = replica(0).todos.actFromClient(action, ANN, "op-1").block(TIMEOUT);
		String retried = replica(1).todos.actFromClient(action, ANN, "op-1").block(TIMEOUT);
		assertThat(first).isEqualTo("{\"records\":[{\"id\":\"a\",\"version\":1,"
				+ "\"record\":{\"id\":\"a\",\"text\":\"bread\",\"version\":1,\"deletedAt\":null}}]}");
		assertThat(retried).isEqualTo(first);
		assertThat(this.table.handled()).isEqualTo(1);
		// both answers broadcast it with the id, for a client whose first broadcast was
		// lost
		listener.await((events) -> events(listener).size() >= 3);
		String broadcast = "{\"op\":\"changes\",\"records\":[{\"id\":\"a\",\"version\":1,"
				+ "\"record\":{\"id\":\"a\",\"text\":\"bread\",\"version\":1,\"deletedAt\":null}}],\"operationId\":\"op-1\"}";
		assertThat(events(listener)).extracting(SseEvent::data)
			.containsExactly("{\"op\":\"snapshot\",\"records\":[]}", broadcast, broadcast);
	}

	@Test
	void operationIdRunningOnOneReplicaShouldBeAnsweredRunningOnAnother() {
		CountDownLatch commit = new CountDownLatch(1);
		this.table.holdNextUntil(commit);
		JsonNode action = JSON.valueToTree(Action.create("a", "bread"));
		Mono<String> first = replica(0).todos.actFromClient(action, ANN, "op-2");
		this.table.awaitHeld();
		assertThatExceptionOfType(EvActionRunningException.class)
			.isThrownBy(() -> replica(1).todos.actFromClient(action, ANN, "op-2").block(TIMEOUT))
			.withMessage("Action 'op-2' of record set 'todos' is still running; retry it later for its outcome");
		commit.countDown();
		String outcome = first.block(TIMEOUT);
		assertThat(replica(2).todos.actFromClient(action, ANN, "op-2").block(TIMEOUT)).isEqualTo(outcome);
		assertThat(this.table.handled()).isEqualTo(1);
	}

	@Test
	void listenerResumingOnAnotherReplicaShouldGetTheMissedChangesOrANewSnapshot() {
		replica(0).todos.act(Action.create("a", "bread"), ANN).block(TIMEOUT);
		replica(1).todos.act(Action.create("b", "milk"), ANN).block(TIMEOUT);
		StreamListener first = connect(replica(0), null);
		first.await((events) -> !events(first).isEmpty());
		String lastEventId = first.lastEventId();
		List<SseEvent> seen = new ArrayList<>(events(first));
		first.dispose();
		replica(1).todos.act(Action.edit("a", "rye bread"), ANN).block(TIMEOUT);
		replica(2).todos.act(Action.delete("b"), ANN).block(TIMEOUT);
		replica(2).todos.act(Action.create("c", "eggs"), ANN).block(TIMEOUT);
		StreamListener second = connect(replica(1), lastEventId);
		second.await((events) -> events(second).size() >= 3);
		assertThat(second.await((events) -> true)).extracting(SseEvent::event)
			.containsExactly("connected", SET, SET, SET);
		assertThat(events(second)).extracting(SseEvent::data)
			.containsExactly(
					"{\"op\":\"changes\",\"records\":[{\"id\":\"a\",\"version\":3,"
							+ "\"record\":{\"id\":\"a\",\"text\":\"rye bread\",\"version\":3,\"deletedAt\":null}}]}",
					"{\"op\":\"changes\",\"records\":[{\"id\":\"b\",\"version\":4,\"deleted\":true}]}",
					"{\"op\":\"changes\",\"records\":[{\"id\":\"c\",\"version\":5,"
							+ "\"record\":{\"id\":\"c\",\"text\":\"eggs\",\"version\":5,\"deletedAt\":null}}]}");
		seen.addAll(events(second));
		assertThat(view(seen)).isEqualTo(expected(this.table.rows()));
		String staleEventId = second.lastEventId();
		List<SseEvent> seenBefore = new ArrayList<>(seen);
		second.dispose();
		for (int i = 0; i < HISTORY * 2; i++) {
			replica(i % 3).todos.act(Action.edit("a", "bread " + i), ANN).block(TIMEOUT);
		}
		replica(0).todos.act(Action.delete("c"), ANN).block(TIMEOUT);
		replica(1).todos.act(Action.create("d", "tea"), ANN).block(TIMEOUT);
		StreamListener third = connect(replica(2), staleEventId);
		List<SseEvent> reset = third.await((events) -> events.size() >= 3);
		assertThat(reset).extracting(SseEvent::event).containsExactly("connected", "reset", SET);
		assertThat(op(reset.get(2))).isEqualTo("snapshot");
		seenBefore.addAll(events(third));
		assertThat(view(seenBefore)).isEqualTo(view(events(third))).isEqualTo(expected(this.table.rows()));
		assertThat(view(events(third))).containsOnlyKeys("a", "b", "c", "d");
	}

	private Replica replica(int index) {
		return this.replicas.get(index);
	}

	private StreamListener connect(Replica replica, @Nullable String lastEventId) {
		EvStream stream = replica.streams.connect(EvConnectRequest.of(SET).resumingFrom(lastEventId)).block(TIMEOUT);
		StreamListener listener = StreamListener.of(stream);
		this.listeners.add(listener);
		return listener;
	}

	private static List<SseEvent> events(StreamListener listener) {
		return listener.events(SET);
	}

	/**
	 * Waits for the last broadcast of a test: a listener that has it has every change
	 * broadcast before it.
	 */
	private static void awaitEnd(StreamListener listener) {
		listener
			.await((events) -> events(listener).stream().anyMatch((event) -> event.data().contains("\"" + END + "\"")));
	}

	private static String op(SseEvent event) {
		return JSON.readTree(event.data()).get("op").asString();
	}

	/**
	 * The records as a client builds them from the set's events: per id, the highest
	 * version seen, tombstones included; a snapshot replaces everything.
	 */
	private static Map<String, Known> view(List<SseEvent> events) {
		Map<String, Known> records = new TreeMap<>();
		for (SseEvent event : events) {
			JsonNode data = JSON.readTree(event.data());
			if (data.get("op").asString().equals("snapshot")) {
				records.clear();
			}
			for (JsonNode entry : data.get("records")) {
				String id = entry.get("id").asString();
				long version = entry.get("version").asLong();
				Known known = records.get(id);
				if (known != null && version <= known.version()) {
					continue;
				}
				boolean deleted = entry.has("deleted") && entry.get("deleted").asBoolean();
				records.put(id, new Known(version, deleted,
						deleted ? null : JSON.treeToValue(entry.get("record"), Todo.class)));
			}
		}
		return records;
	}

	private static Map<String, Known> expected(Map<String, Todo> rows) {
		Map<String, Known> records = new TreeMap<>();
		rows.forEach((id, row) -> records.put(id, new Known(row.version(), row.deleted(), row.deleted() ? null : row)));
		return records;
	}

	record Todo(String id, String text, long version, @Nullable Long deletedAt) {

		boolean deleted() {
			return this.deletedAt != null;
		}

	}

	record Action(String type, String id, @Nullable String text) {

		static Action create(String id, String text) {
			return new Action("create", id, text);
		}

		static Action edit(String id, String text) {
			return new Action("edit", id, text);
		}

		static Action delete(String id) {
			return new Action("delete", id, null);
		}

	}

	/**
	 * What a client holds for one id.
	 */
	record Known(long version, boolean deleted, @Nullable Todo record) {

	}

	/**
	 * The application's database, which every replica shares as it would share a real
	 * one: a table of todos whose versions come from one counter, taken in the same step
	 * as each change, as a transaction would.
	 */
	static final class Table {

		private final Map<String, Todo> rows = new TreeMap<>();

		private final AtomicInteger handled = new AtomicInteger();

		private long lastVersion;

		private @Nullable CountDownLatch hold;

		private final CountDownLatch held = new CountDownLatch(1);

		List<Todo> apply(Action action) {
			this.handled.incrementAndGet();
			CountDownLatch commit = takeHold();
			if (commit != null) {
				this.held.countDown();
				await(commit);
			}
			synchronized (this) {
				Todo row = this.rows.get(action.id());
				boolean live = row != null && !row.deleted();
				switch (action.type()) {
					case "create":
						if (row != null) {
							throw new EvActionRefusedException("Todo '" + action.id() + "' exists already");
						}
						return List.of(write(new Todo(action.id(), action.text(), 0, null)));
					case "edit":
						if (!live) {
							throw new EvActionRefusedException("Todo '" + action.id() + "' does not exist");
						}
						return List.of(write(new Todo(row.id(), action.text(), 0, null)));
					case "delete":
						return live ? List.of(write(new Todo(row.id(), row.text(), 0, System.currentTimeMillis())))
								: List.of();
					default:
						throw new EvActionRefusedException("Unknown action '" + action.type() + "'");
				}
			}
		}

		synchronized List<Todo> since(long version) {
			return this.rows.values().stream().filter((row) -> row.version() > version).toList();
		}

		synchronized Map<String, Todo> rows() {
			return new TreeMap<>(this.rows);
		}

		int handled() {
			return this.handled.get();
		}

		/**
		 * Makes the next action wait, once it started, until a latch opens.
		 */
		synchronized void holdNextUntil(CountDownLatch commit) {
			this.hold = commit;
		}

		void awaitHeld() {
			await(this.held);
		}

		private synchronized @Nullable CountDownLatch takeHold() {
			CountDownLatch commit = this.hold;
			this.hold = null;
			return commit;
		}

		private Todo write(Todo row) {
			Todo written = new Todo(row.id(), row.text(), ++this.lastVersion, row.deletedAt());
			this.rows.put(written.id(), written);
			return written;
		}

		private static void await(CountDownLatch latch) {
			try {
				if (!latch.await(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("The test never opened the latch");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * One instance of the application: its own connections to Redis, backend, stream
	 * manager and record set, on the key prefix and the database every replica shares.
	 */
	private static final class Replica implements AutoCloseable {

		private final RedisReplica engine;

		private final RedisBackend backend;

		private final EvStreamManager streams;

		private final EvRecordSet<Todo, Action> todos;

		private Replica(RedisServer server, String prefix, Table table) {
			this.engine = RedisReplica.start(server, prefix, HISTORY);
			this.backend = this.engine.backend();
			this.streams = this.engine.streams();
			this.todos = new EvRecords(this.streams, JSON).register(SET, EvRecordSetModel.of(Todo.class, Action.class)
				.id(Todo::id)
				.version(Todo::version)
				.deleted(Todo::deleted)
				.loader((since) -> Flux.defer(() -> Flux.fromIterable(table.since(since))))
				.onAction((recordSet, action, principal) -> Flux.defer(() -> Flux.fromIterable(table.apply(action)))));
		}

		/**
		 * Starts a replica once its bus has subscribed, as a deployment routes to a
		 * replica once it is ready: a change published before never reaches it.
		 */
		static Replica start(RedisServer server, String prefix, Table table) {
			Replica replica = new Replica(server, prefix, table);
			return replica;
		}

		@Override
		public void close() {
			this.engine.close();
		}

	}

}
