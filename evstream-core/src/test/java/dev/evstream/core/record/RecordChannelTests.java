package dev.evstream.core.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.record.RecordListener.Known;
import dev.evstream.core.record.TodoTable.Todo;
import dev.evstream.core.record.TodoTable.TodoAction;
import dev.evstream.test.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Record sets as their listeners see them: a snapshot, then the changes of each action,
 * resumed within the history and started again from a snapshot beyond it.
 */
class RecordChannelTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private static final int HISTORY = 5;

	private final EvStreamManager manager = EvStreamManager.builder()
		.jsonMapper(JSON)
		.backend(InMemoryBackend.builder().historySize(HISTORY).build())
		.build();

	private final EvRecords records = new EvRecords(this.manager, JSON);

	private final TodoTable table = new TodoTable();

	private final EvRecordSet<Todo, TodoAction> todos = this.records.register("todos", model());

	private final List<RecordListener> listeners = new ArrayList<>();

	@AfterEach
	void close() {
		this.listeners.forEach(RecordListener::dispose);
		this.manager.close();
	}

	@Test
	void listenerShouldReceiveTheSnapshotThenTheChanges() {
		this.table.put("b", "milk");
		this.table.put("a", "bread");
		this.table.put("c", "eggs");
		this.table.delete("c");
		RecordListener listener = connect(null);
		listener.awaitData("todos", 1);
		this.todos.act(TodoAction.edit("b", "oat milk"), ANN).block(TIMEOUT);
		this.todos.actFromClient(JSON.valueToTree(TodoAction.delete("a")), ANN, "op-7").block(TIMEOUT);
		this.todos.actFromClient(JSON.valueToTree(TodoAction.create("d", "tea")), ANN, null).block(TIMEOUT);
		assertThat(listener.awaitData("todos", 4)).containsExactly("{\"op\":\"snapshot\",\"records\":["
				+ "{\"id\":\"a\",\"version\":2,\"record\":{\"id\":\"a\",\"text\":\"bread\",\"version\":2,\"deletedAt\":null}},"
				+ "{\"id\":\"b\",\"version\":1,\"record\":{\"id\":\"b\",\"text\":\"milk\",\"version\":1,\"deletedAt\":null}},"
				+ "{\"id\":\"c\",\"version\":4,\"deleted\":true}]}",
				"{\"op\":\"changes\",\"records\":["
						+ "{\"id\":\"b\",\"version\":5,\"record\":{\"id\":\"b\",\"text\":\"oat milk\",\"version\":5,\"deletedAt\":null}}]}",
				"{\"op\":\"changes\",\"records\":[{\"id\":\"a\",\"version\":6,\"deleted\":true}],\"operationId\":\"op-7\"}",
				"{\"op\":\"changes\",\"records\":["
						+ "{\"id\":\"d\",\"version\":7,\"record\":{\"id\":\"d\",\"text\":\"tea\",\"version\":7,\"deletedAt\":null}}]}");
		assertThat(listener.view(JSON, "todos")).isEqualTo(RecordListener.expected(this.table.rows()));
	}

	@Test
	void emptySetShouldStartWithAnEmptySnapshot() {
		RecordListener listener = connect(null);
		assertThat(listener.awaitData("todos", 1)).containsExactly("{\"op\":\"snapshot\",\"records\":[]}");
	}

	@Test
	void resumeWithinTheHistoryShouldReplayTheMissedChangesWithoutASnapshot() {
		this.todos.act(TodoAction.create("a", "bread"), ANN).block(TIMEOUT);
		this.todos.act(TodoAction.create("b", "milk"), ANN).block(TIMEOUT);
		RecordListener first = connect(null);
		first.awaitData("todos", 1);
		String lastEventId = first.lastEventId();
		first.dispose();
		this.todos.act(TodoAction.edit("a", "rye"), ANN).block(TIMEOUT);
		this.todos.act(TodoAction.delete("b"), ANN).block(TIMEOUT);
		RecordListener second = connect(lastEventId);
		assertThat(second.awaitData("todos", 2)).containsExactly("{\"op\":\"changes\",\"records\":["
				+ "{\"id\":\"a\",\"version\":3,\"record\":{\"id\":\"a\",\"text\":\"rye\",\"version\":3,\"deletedAt\":null}}]}",
				"{\"op\":\"changes\",\"records\":[{\"id\":\"b\",\"version\":4,\"deleted\":true}]}");
		assertThat(second.events()).extracting(SseEvent::event).containsExactly("connected", "todos", "todos");
		// the client's records from before, with the missed changes on top
		List<String> seen = new ArrayList<>(first.data("todos"));
		seen.addAll(second.data("todos"));
		assertThat(RecordListener.view(JSON, seen)).isEqualTo(RecordListener.expected(this.table.rows()));
	}

	@Test
	void resumeBeyondTheHistoryShouldResetAndSendANewSnapshot() {
		this.todos.act(TodoAction.create("a", "bread"), ANN).block(TIMEOUT);
		this.todos.act(TodoAction.create("b", "milk"), ANN).block(TIMEOUT);
		RecordListener first = connect(null);
		first.awaitData("todos", 1);
		String lastEventId = first.lastEventId();
		first.dispose();
		for (int i = 0; i < HISTORY * 2; i++) {
			this.todos.act(TodoAction.edit("a", "bread " + i), ANN).block(TIMEOUT);
		}
		this.todos.act(TodoAction.delete("b"), ANN).block(TIMEOUT);
		RecordListener second = connect(lastEventId);
		List<SseEvent> events = second.await((all) -> all.size() >= 3);
		assertThat(events).extracting(SseEvent::event).containsExactly("connected", "reset", "todos");
		assertThat(second.data("todos")).containsExactly("{\"op\":\"snapshot\",\"records\":["
				+ "{\"id\":\"a\",\"version\":12,\"record\":{\"id\":\"a\",\"text\":\"bread 9\",\"version\":12,\"deletedAt\":null}},"
				+ "{\"id\":\"b\",\"version\":13,\"deleted\":true}]}");
		// the id after the snapshot resumes from it
		String resumed = second.lastEventId();
		second.dispose();
		this.todos.act(TodoAction.create("c", "eggs"), ANN).block(TIMEOUT);
		RecordListener third = connect(resumed);
		assertThat(third.awaitData("todos", 1)).containsExactly("{\"op\":\"changes\",\"records\":["
				+ "{\"id\":\"c\",\"version\":14,\"record\":{\"id\":\"c\",\"text\":\"eggs\",\"version\":14,\"deletedAt\":null}}]}");
		assertThat(third.events("reset")).isEmpty();
	}

	@Test
	void listenersJoiningWhileWritersRunShouldEndWithTheTable() throws Exception {
		int ids = 12;
		int writers = 4;
		int writes = 150;
		for (int i = 0; i < ids; i++) {
			this.table.put("t" + i, "todo " + i);
		}
		AtomicInteger written = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			int writer = w;
			done.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < writes; i++) {
					writeSomething("t" + ThreadLocalRandom.current().nextInt(ids), writer + "-" + i);
					written.incrementAndGet();
				}
				return null;
			}));
		}
		start.countDown();
		List<RecordListener> joined = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			// each joins at another point of the writes, so each snapshot is taken at
			// another point of them
			int after = i * writers * writes / 12;
			await().atMost(TIMEOUT).until(() -> written.get() >= after);
			joined.add(connect(null));
		}
		for (Future<?> future : done) {
			future.get(1, TimeUnit.MINUTES);
		}
		pool.shutdown();
		// broadcast after every write: a listener that has it has every change
		Todo end = this.todos.act(TodoAction.create("~end", "end"), ANN).block(TIMEOUT).get(0);
		Map<String, Known> expected = RecordListener.expected(this.table.rows());
		assertThat(expected.values()).anyMatch(Known::deleted).anyMatch((known) -> !known.deleted());
		for (RecordListener listener : joined) {
			listener.await((events) -> events.stream()
				.anyMatch((event) -> event.event().equals("todos") && event.data().contains("\"~end\"")));
			assertThat(listener.data("todos").get(0)).startsWith("{\"op\":\"snapshot\"");
			assertThat(listener.view(JSON, "todos")).isEqualTo(expected);
		}
		assertThat(end.version()).isEqualTo(this.table.lastVersion());
	}

	@Test
	void registeringShouldRefuseBadNamesAndIncompleteModels() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.records.register("todos", model()))
			.withMessage("Record set 'todos' is already registered");
		assertThatIllegalArgumentException().isThrownBy(() -> this.records.register("my todos", model()))
			.withMessage("Record set name 'my todos' is invalid: use 1 to 64 characters from A-Z a-z 0-9 _ . : @ -");
		assertThatIllegalArgumentException().isThrownBy(() -> this.records.register("a/b", model()))
			.withMessage("Record set name 'a/b' is invalid: use 1 to 64 characters from A-Z a-z 0-9 _ . : @ -");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.records.register("no-loader",
					EvRecordSetModel.of(Todo.class, TodoAction.class).id(Todo::id).version(Todo::version)))
			.withMessage("Record set 'no-loader' needs an id, a version and a loader");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.records.register("no-version",
					EvRecordSetModel.of(Todo.class, TodoAction.class).id(Todo::id).loader((since) -> Flux.empty())))
			.withMessage("Record set 'no-version' needs an id, a version and a loader");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EvRecordSetModel.of(Todo.class, TodoAction.class).actionTimeout(Duration.ZERO))
			.withMessage("'actionTimeout' must be positive, but was PT0S");
		assertThat(this.records.find("todos")).isSameAs(this.todos);
		assertThat(this.records.find("my todos")).isNull();
		assertThat(this.records.find("no-loader")).isNull();
	}

	@Test
	void channelOfAnotherModelShouldNotBecomeARecordSet() {
		this.manager.claimChannel("taken", (channel) -> Mono.empty());
		assertThatIllegalStateException().isThrownBy(() -> this.records.register("taken", model()))
			.withMessage("Channel 'taken' already belongs to another model");
		assertThat(this.records.find("taken")).isNull();
	}

	@Test
	void recordSetChannelShouldBelongToTheRecordSetOnly() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.send("todos", EvMessage.of("forged")))
			.withMessageContaining("belongs to a model");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EvStateManager(this.manager, JSON).createStateBlocking("todos", 1))
			.withMessageContaining("names a channel of another model");
		assertThat(this.manager.isClaimed("todos")).isTrue();
	}

	private EvRecordSetModel<Todo, TodoAction> model() {
		return EvRecordSetModel.of(Todo.class, TodoAction.class)
			.id(Todo::id)
			.version(Todo::version)
			.deleted(Todo::deleted)
			.loader((since) -> Flux.defer(() -> Flux.fromIterable(this.table.since(since))))
			.onAction((recordSet, action, principal) -> Flux.defer(() -> Flux.fromIterable(this.table.apply(action))));
	}

	/**
	 * Edits, deletes or creates again a todo, whatever the others did to it meanwhile,
	 * through a client's action or the server's.
	 */
	private void writeSomething(String id, String text) {
		int choice = ThreadLocalRandom.current().nextInt(10);
		try {
			if (choice < 5) {
				this.todos.actFromClient(JSON.valueToTree(TodoAction.edit(id, text)), ANN, "op-" + text).block(TIMEOUT);
			}
			else if (choice < 7) {
				this.todos.act(TodoAction.delete(id), ANN).block(TIMEOUT);
			}
			else {
				this.todos.act(TodoAction.create(id + "-" + text, text), ANN).block(TIMEOUT);
			}
		}
		catch (EvActionRefusedException ex) {
			// deleted by another writer: nothing to edit
		}
	}

	private RecordListener connect(@Nullable String lastEventId) {
		EvStream stream = this.manager.connect(EvConnectRequest.of("todos").resumingFrom(lastEventId)).block(TIMEOUT);
		RecordListener listener = RecordListener.of(stream);
		this.listeners.add(listener);
		return listener;
	}

}
