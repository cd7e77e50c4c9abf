package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionItemNotFoundException;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.core.collection.UpdateOp;
import dev.evstream.test.SseEvent;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Collections on three replicas that share one Redis: writes from all of them count,
 * triggers run once per change, and listeners build the store's items from a snapshot and
 * the changes that follow, on whichever replica they connect or resume.
 */
class CollectionReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int HISTORY = 20;

	private final List<Replica> replicas = new ArrayList<>();

	private final List<StreamListener> listeners = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		String prefix = RedisConnections.isolatedKeys().prefix();
		for (int i = 0; i < 3; i++) {
			this.replicas.add(Replica.start(RedisServer.shared(), prefix));
		}
	}

	@AfterEach
	void stopReplicas() {
		this.listeners.forEach(StreamListener::dispose);
		this.replicas.forEach(Replica::close);
	}

	@Test
	void incrementsFromEveryReplicaAndThreadShouldAllCount() throws Exception {
		int threads = 8;
		int increments = 500;
		replica(0).counters.set("g", "total", new Counter(0)).block(TIMEOUT);
		long first = replica(0).backend.channelHistory().head("counters/g").block(TIMEOUT);
		ExecutorService pool = Executors.newFixedThreadPool(this.replicas.size() * threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (Replica replica : this.replicas) {
			for (int t = 0; t < threads; t++) {
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < increments; i++) {
						replica.counters.update("g", "total", UpdateOp.increment("count", 1)).block(TIMEOUT);
					}
					return null;
				}));
			}
		}
		start.countDown();
		for (Future<?> future : done) {
			future.get(5, TimeUnit.MINUTES);
		}
		pool.shutdown();
		int total = this.replicas.size() * threads * increments;
		for (Replica replica : this.replicas) {
			assertThat(replica.counters.get("g", "total").block(TIMEOUT)).isEqualTo(new Counter(total));
		}
		// one change event per increment, none for the attempts that lost a race
		assertThat(replica(1).backend.channelHistory().head("counters/g").block(TIMEOUT)).isEqualTo(first + total);
	}

	@Test
	void triggersShouldRunOncePerChangeAcrossTheReplicas() throws Exception {
		List<List<String>> seen = new ArrayList<>();
		for (Replica replica : this.replicas) {
			List<String> changes = new CopyOnWriteArrayList<>();
			seen.add(changes);
			replica.counters.onChange((change) -> changes
				.add(change.type() + " " + change.id() + " " + count(change.before()) + " " + count(change.after())));
		}
		int items = 30;
		ExecutorService pool = Executors.newFixedThreadPool(this.replicas.size());
		List<Future<List<String>>> made = new ArrayList<>();
		for (int r = 0; r < this.replicas.size(); r++) {
			Replica replica = replica(r);
			String prefix = "r" + r + "-";
			made.add(pool.submit(() -> {
				List<String> changes = new ArrayList<>();
				for (int i = 0; i < items; i++) {
					replica.counters.set("t", prefix + i, new Counter(i)).block(TIMEOUT);
					changes.add("CREATE " + prefix + i + " - " + i);
				}
				for (int i = 0; i < items; i += 2) {
					replica.counters.update("t", prefix + i, UpdateOp.increment("count", 100)).block(TIMEOUT);
					changes.add("UPDATE " + prefix + i + " " + i + " " + (i + 100));
				}
				for (int i = 0; i < items; i += 3) {
					replica.counters.delete("t", prefix + i).block(TIMEOUT);
					changes.add("DELETE " + prefix + i + " " + ((i % 2 == 0) ? i + 100 : i) + " -");
				}
				return changes;
			}));
		}
		List<List<String>> expected = new ArrayList<>();
		for (Future<List<String>> future : made) {
			expected.add(future.get(1, TimeUnit.MINUTES));
		}
		pool.shutdown();
		int writes = expected.stream().mapToInt(List::size).sum();
		await().atMost(TIMEOUT).until(() -> seen.stream().mapToInt(List::size).sum() >= writes);
		// each on the replica that wrote it, and nowhere else
		for (int r = 0; r < this.replicas.size(); r++) {
			assertThat(seen.get(r)).containsExactlyInAnyOrderElementsOf(expected.get(r));
		}
		assertThat(seen.stream().mapToInt(List::size).sum()).isEqualTo(writes);
	}

	@Test
	void listenerJoiningWhileReplicasWriteShouldEndWithTheStoredItems() throws Exception {
		int ids = 20;
		ExecutorService pool = Executors.newFixedThreadPool(this.replicas.size() * 2);
		CountDownLatch underway = new CountDownLatch(this.replicas.size() * 2);
		List<Future<?>> done = new ArrayList<>();
		for (Replica replica : this.replicas) {
			for (int t = 0; t < 2; t++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < 200; i++) {
						if (i == 20) {
							underway.countDown();
						}
						writeSomething(replica.counters, "live", "c" + ThreadLocalRandom.current().nextInt(ids));
					}
					return null;
				}));
			}
		}
		assertThat(underway.await(1, TimeUnit.MINUTES)).isTrue();
		StreamListener listener = connect(replica(1), null, "counters/live");
		for (Future<?> future : done) {
			future.get(2, TimeUnit.MINUTES);
		}
		pool.shutdown();
		// appended after every write: a listener that has it has every change
		replica(2).counters.send("live", "done", null).block(TIMEOUT);
		listener.await((events) -> events.stream().anyMatch(CollectionReplicasIntegrationTests::isDone));
		Map<String, Counter> stored = replica(0).counters.list("live").block(TIMEOUT);
		assertThat(stored).isNotEmpty();
		assertThat(view(listener.events("counters/live"))).isEqualTo(stored);
		assertThat(listener.events("reset")).isEmpty();
		assertThat(op(listener.events("counters/live").get(0))).isEqualTo("snapshot");
	}

	@Test
	void listenerResumingOnAnotherReplicaShouldGetTheMissedChangesOrANewSnapshot() {
		EvCollection<Counter> onA = replica(0).counters;
		EvCollection<Counter> onB = replica(1).counters;
		EvCollection<Counter> onC = replica(2).counters;
		onA.set("resume", "a", new Counter(1)).block(TIMEOUT);
		StreamListener first = connect(replica(0), null, "counters/resume");
		first.await((events) -> events.size() >= 2);
		onC.set("resume", "b", new Counter(2)).block(TIMEOUT);
		first.await((events) -> events.size() >= 3);
		assertThat(view(first.events("counters/resume"))).isEqualTo(Map.of("a", new Counter(1), "b", new Counter(2)));
		String lastEventId = first.lastEventId();
		first.dispose();
		onB.update("resume", "a", UpdateOp.increment("count", 1)).block(TIMEOUT);
		onC.delete("resume", "b").block(TIMEOUT);
		StreamListener second = connect(replica(1), lastEventId, "counters/resume");
		List<SseEvent> resumed = second.await((events) -> events.size() >= 3);
		assertThat(resumed).extracting(SseEvent::event)
			.containsExactly("connected", "counters/resume", "counters/resume");
		assertThat(second.events("counters/resume")).extracting(SseEvent::data)
			.containsExactly("{\"op\":\"update\",\"id\":\"a\",\"data\":{\"count\":2}}",
					"{\"op\":\"delete\",\"id\":\"b\"}");
		String staleEventId = second.lastEventId();
		second.dispose();
		for (int i = 0; i < HISTORY * 2; i++) {
			replica(i % 3).counters.update("resume", "a", UpdateOp.increment("count", 1)).block(TIMEOUT);
		}
		StreamListener third = connect(replica(2), staleEventId, "counters/resume");
		List<SseEvent> reset = third.await((events) -> events.size() >= 3);
		assertThat(reset).extracting(SseEvent::event).containsExactly("connected", "reset", "counters/resume");
		assertThat(op(reset.get(2))).isEqualTo("snapshot");
		assertThat(view(third.events("counters/resume"))).isEqualTo(onA.list("resume").block(TIMEOUT))
			.isEqualTo(Map.of("a", new Counter(2 + HISTORY * 2)));
	}

	private Replica replica(int index) {
		return this.replicas.get(index);
	}

	private StreamListener connect(Replica replica, @Nullable String lastEventId, String channel) {
		EvStream stream = replica.streams.connect(EvConnectRequest.of(channel).resumingFrom(lastEventId))
			.block(TIMEOUT);
		StreamListener listener = StreamListener.of(stream);
		this.listeners.add(listener);
		return listener;
	}

	/**
	 * Sets, increments or deletes an item, whatever the others did to it meanwhile.
	 */
	private static void writeSomething(EvCollection<Counter> counters, String group, String id) {
		int choice = ThreadLocalRandom.current().nextInt(10);
		if (choice < 4) {
			counters.set(group, id, new Counter(ThreadLocalRandom.current().nextInt(1000))).block(TIMEOUT);
		}
		else if (choice < 8) {
			try {
				counters.update(group, id, UpdateOp.increment("count", 1)).block(TIMEOUT);
			}
			catch (EvCollectionItemNotFoundException ex) {
				// deleted by another writer: nothing to increment
			}
		}
		else {
			counters.delete(group, id).block(TIMEOUT);
		}
	}

	/**
	 * The items as a client builds them from a group's events.
	 */
	private static Map<String, Counter> view(List<SseEvent> events) {
		Map<String, Counter> items = new TreeMap<>();
		for (SseEvent event : events) {
			JsonNode change = JSON.readTree(event.data());
			switch (change.get("op").asString()) {
				case "snapshot" -> {
					items.clear();
					change.get("items")
						.forEach((item) -> items.put(item.get("id").asString(),
								JSON.treeToValue(item.get("data"), Counter.class)));
				}
				case "create", "update" ->
					items.put(change.get("id").asString(), JSON.treeToValue(change.get("data"), Counter.class));
				case "delete" -> items.remove(change.get("id").asString());
				default -> {
				}
			}
		}
		return items;
	}

	private static String op(SseEvent event) {
		return JSON.readTree(event.data()).get("op").asString();
	}

	private static boolean isDone(SseEvent event) {
		JsonNode change = JSON.readTree(event.data());
		return change.has("type") && "done".equals(change.get("type").asString());
	}

	private static String count(@Nullable Counter counter) {
		return (counter != null) ? Long.toString(counter.count()) : "-";
	}

	record Counter(long count) {
	}

	/**
	 * One instance of the application: its own connections to Redis, backend, stream
	 * manager and collections, on the key prefix every replica shares.
	 */
	private static final class Replica implements AutoCloseable {

		private final RedisReplica engine;

		private final RedisBackend backend;

		private final EvStreamManager streams;

		private final EvCollections collections;

		private final EvCollection<Counter> counters;

		private Replica(RedisServer server, String prefix) {
			this.engine = RedisReplica.start(server, prefix, HISTORY);
			this.backend = this.engine.backend();
			this.streams = this.engine.streams();
			this.collections = new EvCollections(this.streams, JSON);
			this.counters = this.collections.collection("counters", Counter.class);
		}

		/**
		 * Starts a replica once its bus has subscribed, as a deployment routes to a
		 * replica once it is ready: a change published before never reaches it.
		 */
		static Replica start(RedisServer server, String prefix) {
			Replica replica = new Replica(server, prefix);
			return replica;
		}

		@Override
		public void close() {
			this.collections.close();
			this.engine.close();
		}

	}

}
