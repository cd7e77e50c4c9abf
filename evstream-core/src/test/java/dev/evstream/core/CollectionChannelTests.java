package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionChange;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.core.collection.UpdateOp;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.test.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Collections as their listeners see them: a snapshot, then changes, resumed within the
 * history and started again from a snapshot beyond it.
 */
class CollectionChannelTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int HISTORY = 5;

	private final FailedTriggers failures = new FailedTriggers();

	private final EvStreamManager manager = Engines.streams()
		.backend(InMemoryBackend.builder().historySize(HISTORY).build())
		.metrics(this.failures)
		.build();

	private final EvCollections collections = new EvCollections(this.manager, Engines.JSON);

	private final EvCollection<Todo> todos = this.collections.collection("todos", Todo.class);

	@AfterEach
	void close() {
		this.collections.close();
		this.manager.close();
	}

	@Test
	void listenerShouldReceiveTheSnapshotThenEveryChange() {
		this.todos.set("ann", "b", new Todo("milk", false)).block(TIMEOUT);
		this.todos.set("ann", "a", new Todo("bread", true)).block(TIMEOUT);
		StreamRecorder recorder = connect(null, "todos/ann");
		recorder.await((events) -> events.size() >= 2, TIMEOUT);
		this.todos.update("ann", "b", UpdateOp.set("done", true)).block(TIMEOUT);
		this.todos.delete("ann", "a").block(TIMEOUT);
		this.todos.set("ann", "c", new Todo("eggs", false)).block(TIMEOUT);
		this.todos.send("ann", "reminder", Map.of("text", "shop")).block(TIMEOUT);
		recorder.await((events) -> events.size() >= 6, TIMEOUT);
		assertThat(recorder.data("todos/ann")).containsExactly(
				"{\"op\":\"snapshot\",\"items\":[{\"id\":\"a\",\"data\":{\"title\":\"bread\",\"done\":true}},"
						+ "{\"id\":\"b\",\"data\":{\"title\":\"milk\",\"done\":false}}]}",
				"{\"op\":\"update\",\"id\":\"b\",\"data\":{\"title\":\"milk\",\"done\":true}}",
				"{\"op\":\"delete\",\"id\":\"a\"}",
				"{\"op\":\"create\",\"id\":\"c\",\"data\":{\"title\":\"eggs\",\"done\":false}}",
				"{\"op\":\"event\",\"type\":\"reminder\",\"data\":{\"text\":\"shop\"}}");
	}

	@Test
	void emptyGroupShouldStartWithAnEmptySnapshot() {
		StreamRecorder recorder = connect(null, "todos/nobody");
		recorder.await((events) -> events.size() >= 2, TIMEOUT);
		assertThat(recorder.data("todos/nobody")).containsExactly("{\"op\":\"snapshot\",\"items\":[]}");
	}

	@Test
	void resumeWithinTheHistoryShouldReplayTheMissedChangesWithoutASnapshot() {
		this.todos.set("ann", "a", new Todo("bread", false)).block(TIMEOUT);
		StreamRecorder first = connect(null, "todos/ann");
		first.await((events) -> events.size() >= 2, TIMEOUT);
		String lastEventId = first.lastEventId();
		first.cancel();
		this.todos.update("ann", "a", UpdateOp.set("done", true)).block(TIMEOUT);
		this.todos.set("ann", "b", new Todo("milk", false)).block(TIMEOUT);
		StreamRecorder second = connect(lastEventId, "todos/ann");
		second.await((events) -> events.size() >= 3, TIMEOUT);
		assertThat(second.data("todos/ann")).containsExactly(
				"{\"op\":\"update\",\"id\":\"a\",\"data\":{\"title\":\"bread\",\"done\":true}}",
				"{\"op\":\"create\",\"id\":\"b\",\"data\":{\"title\":\"milk\",\"done\":false}}");
		assertThat(second.events("reset")).isEmpty();
	}

	@Test
	void resumeBeyondTheHistoryShouldResetAndSendANewSnapshot() {
		this.todos.set("ann", "a", new Todo("bread", false)).block(TIMEOUT);
		StreamRecorder first = connect(null, "todos/ann");
		first.await((events) -> events.size() >= 2, TIMEOUT);
		String lastEventId = first.lastEventId();
		first.cancel();
		for (int i = 0; i < HISTORY * 2; i++) {
			this.todos.update("ann", "a", UpdateOp.set("title", "bread " + i)).block(TIMEOUT);
		}
		StreamRecorder second = connect(lastEventId, "todos/ann");
		List<SseEvent> events = second.await((all) -> all.size() >= 3, TIMEOUT);
		assertThat(events).extracting(SseEvent::event).containsExactly("connected", "reset", "todos/ann");
		assertThat(second.data("todos/ann")).containsExactly(
				"{\"op\":\"snapshot\",\"items\":[{\"id\":\"a\",\"data\":{\"title\":\"bread 9\",\"done\":false}}]}");
		// the id after the snapshot resumes from it
		String resumed = second.lastEventId();
		second.cancel();
		this.todos.delete("ann", "a").block(TIMEOUT);
		StreamRecorder third = connect(resumed, "todos/ann");
		third.await((all) -> all.size() >= 2, TIMEOUT);
		assertThat(third.data("todos/ann")).containsExactly("{\"op\":\"delete\",\"id\":\"a\"}");
	}

	@Test
	void snapshotAndChangesShouldAddUpToTheStoreWhileWritersRun() throws Exception {
		EvCollection<Counter> counters = this.collections.collection("counters", Counter.class);
		for (int i = 0; i < 20; i++) {
			counters.set("g", "c" + i, new Counter(0)).block(TIMEOUT);
		}
		ExecutorService writers = Executors.newFixedThreadPool(4);
		AtomicInteger written = new AtomicInteger();
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int writer = w;
			done.add(writers.submit(() -> {
				for (int i = 0; i < 300; i++) {
					counters.update("g", "c" + ((i + writer) % 20), UpdateOp.increment("count", 1)).block(TIMEOUT);
					written.incrementAndGet();
				}
			}));
		}
		List<StreamRecorder> listeners = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			// each joins at another point of the writes, so that each snapshot is taken
			// at
			// another point of them
			int after = i * 4 * 300 / 12;
			await().atMost(TIMEOUT).until(() -> written.get() >= after);
			listeners.add(connect(null, "counters/g"));
		}
		for (Future<?> future : done) {
			future.get(30, TimeUnit.SECONDS);
		}
		writers.shutdown();
		Map<String, Long> stored = new TreeMap<>();
		counters.list("g").block(TIMEOUT).forEach((id, counter) -> stored.put(id, counter.count()));
		assertThat(stored.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1200);
		for (StreamRecorder listener : listeners) {
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(view(listener)).isEqualTo(stored));
		}
	}

	@Test
	void largeGroupShouldBeSentWholeInItsSnapshot() {
		EvCollection<Counter> counters = this.collections.collection("big", Counter.class);
		for (int i = 0; i < 10_000; i++) {
			counters.set("g", "c" + i, new Counter(i)).block(TIMEOUT);
		}
		StreamRecorder recorder = connect(null, "big/g");
		recorder.await((events) -> events.size() >= 2, TIMEOUT);
		assertThat(view(recorder)).hasSize(10_000);
	}

	@Test
	void triggersShouldRunOncePerChangeOffTheCallerAndSurviveFailures() {
		List<EvCollectionChange<Todo>> changes = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		this.todos.onChange((change) -> {
			changes.add(change);
			threads.add(Thread.currentThread().getName());
		});
		this.todos.onChange("ann", "a", (change) -> {
			throw new IllegalStateException("trigger failed on purpose");
		});
		this.todos.set("ann", "a", new Todo("bread", false)).block(TIMEOUT);
		this.todos.update("ann", "a", UpdateOp.set("done", true)).block(TIMEOUT);
		this.todos.delete("ann", "a").block(TIMEOUT);
		this.todos.delete("ann", "a").block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> changes.size() == 3 && this.failures.count() == 3);
		assertThat(changes).extracting(EvCollectionChange::type)
			.containsExactly(EvCollectionChange.Type.CREATE, EvCollectionChange.Type.UPDATE,
					EvCollectionChange.Type.DELETE);
		assertThat(changes.get(1).before()).isEqualTo(new Todo("bread", false));
		assertThat(changes.get(1).after()).isEqualTo(new Todo("bread", true));
		assertThat(changes.get(2).after()).isNull();
		assertThat(threads).allSatisfy((thread) -> assertThat(thread).startsWith("boundedElastic-"));
		assertThat(this.todos.get("ann", "a").blockOptional(TIMEOUT)).isEmpty();
	}

	@Test
	void collectionChannelsShouldBelongToTheCollectionOnly() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.send("todos/ann", EvMessage.of("forged")))
			.withMessageContaining("belongs to a model");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Engines.states(this.manager).createStateBlocking("todos/ann", 1))
			.withMessageContaining("names a channel of another model");
		assertThatIllegalArgumentException().isThrownBy(() -> this.collections.collection("todos", Counter.class))
			.withMessageContaining("holds");
	}

	private StreamRecorder connect(String lastEventId, String... channels) {
		EvStream stream = this.manager.connect(EvConnectRequest.of(channels).resumingFrom(lastEventId)).block(TIMEOUT);
		return StreamRecorder.read(stream);
	}

	/**
	 * The items as a client builds them from the events, by id.
	 */
	private static Map<String, Long> view(StreamRecorder recorder) {
		Map<String, Long> items = new TreeMap<>();
		for (String data : recorder.data(recorder.events().get(1).event())) {
			JsonNode event = Engines.JSON.readTree(data);
			switch (event.get("op").asString()) {
				case "snapshot" -> {
					items.clear();
					event.get("items").forEach((item) -> items.put(item.get("id").asString(), count(item.get("data"))));
				}
				case "create", "update" -> items.put(event.get("id").asString(), count(event.get("data")));
				case "delete" -> items.remove(event.get("id").asString());
				default -> {
				}
			}
		}
		return items;
	}

	private static long count(JsonNode data) {
		JsonNode count = data.get("count");
		return (count != null) ? count.asLong() : -1;
	}

	record Todo(String title, boolean done) {
	}

	record Counter(long count) {
	}

	static final class FailedTriggers implements StreamMetrics {

		private final AtomicInteger failed = new AtomicInteger();

		@Override
		public void triggerFailed(String model) {
			this.failed.incrementAndGet();
		}

		int count() {
			return this.failed.get();
		}

	}

}
