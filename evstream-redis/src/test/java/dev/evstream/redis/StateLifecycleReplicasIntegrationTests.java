package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStateOptions;
import dev.evstream.core.EvStateRemovedException;
import dev.evstream.core.EvStateSelfDestruct;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.DirectMessage;
import dev.evstream.core.bus.StateRemoved;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.test.SseEvent;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * States that end by themselves on three replicas that share one Redis: an expiry and a
 * self-destruct are applied once, whichever replicas race to apply them, and every
 * listener on every replica gets the last event once; all states are removed from any
 * replica; generated keys never collide.
 */
class StateLifecycleReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String REMOVED = "{\"removed\":true}";

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
	void expiryShouldBeAppliedOnceWithTheLastEventOncePerListenerOnEveryReplica() {
		EvState<Integer> declared = replica(0).states.createStateBlocking("expiring", Integer.class, 7,
				EvStateOptions.defaults().ttl(Duration.ofSeconds(4)));
		List<EvState<Integer>> views = new ArrayList<>();
		List<StreamListener> watching = new ArrayList<>();
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> replica.states.hasState("expiring"));
			views.add(replica.states.getState("expiring", Integer.class));
			watching.add(listen(replica, "expiring"));
			watching.add(listen(replica, "expiring"));
		}
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> !replica.states.hasState("expiring"));
		}
		assertThat(replica(1).backend.stateStore().get("expiring").block(TIMEOUT)).isNull();
		settleBuses();
		for (Replica replica : this.replicas) {
			assertThat(replica.bus.events(StateRemoved.class)).containsExactly(new StateRemoved("expiring"));
		}
		for (StreamListener listener : watching) {
			assertThat(listener.events("expiring")).extracting(SseEvent::data)
				.containsExactly("{\"value\":7,\"version\":1}", REMOVED);
		}
		StepVerifier.create(declared.set(8)).expectError(EvStateRemovedException.class).verify(TIMEOUT);
		for (EvState<Integer> view : views) {
			StepVerifier.create(view.set(8)).expectError(EvStateRemovedException.class).verify(TIMEOUT);
		}
	}

	@Test
	void selfDestructShouldBeAppliedByTheDeclaringReplicaWhenTheLastClientLeavesAnother() {
		List<Long> asked = new CopyOnWriteArrayList<>();
		replica(0).states.createStateBlocking("room", Integer.class, 0,
				EvStateOptions.defaults().selfDestruct((clientsLeft, createdAt) -> {
					asked.add(clientsLeft);
					return EvStateSelfDestruct.WHEN_EMPTY.shouldDestroy(clientsLeft, createdAt);
				}));
		await().atMost(TIMEOUT).until(() -> replica(1).states.hasState("room") && replica(2).states.hasState("room"));
		EvStream first = connect(replica(1), "room");
		EvStream second = connect(replica(1), "room");
		StreamListener watching = StreamListener.of(second);
		this.listeners.add(watching);
		await().atMost(TIMEOUT).until(() -> replica(2).presence.count("room").block(TIMEOUT) == 2);
		first.close();
		await().atMost(TIMEOUT).until(() -> asked.size() == 1);
		assertThat(asked).containsExactly(1L);
		assertThat(replica(0).states.hasState("room")).isTrue();
		assertThat(watching.events("room")).extracting(SseEvent::data).containsExactly("{\"value\":0,\"version\":1}");
		second.close();
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> !replica.states.hasState("room"));
		}
		assertThat(asked).containsExactly(1L, 0L);
		assertThat(replica(2).backend.stateStore().get("room").block(TIMEOUT)).isNull();
		settleBuses();
		assertThat(replica(1).bus.events(StateRemoved.class)).containsExactly(new StateRemoved("room"));
	}

	@Test
	void removeAllStatesShouldRemoveTheStatesOfEveryReplica() {
		for (int r = 0; r < this.replicas.size(); r++) {
			replica(r).states.createStateBlocking("r" + r + "-a", Integer.class, r);
			replica(r).states.createStateBlocking("r" + r + "-b", Integer.class, r);
		}
		List<StreamListener> watching = new ArrayList<>();
		for (int r = 0; r < this.replicas.size(); r++) {
			Replica other = replica((r + 1) % 3);
			String key = "r" + r + "-a";
			await().atMost(TIMEOUT).until(() -> other.states.hasState(key));
			watching.add(listen(other, key));
		}
		StepVerifier.create(replica(0).states.removeAllStates()).expectNext(6L).expectComplete().verify(TIMEOUT);
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> replica.states.stateKeys().isEmpty());
		}
		settleBuses();
		for (int r = 0; r < this.replicas.size(); r++) {
			assertThat(watching.get(r).events("r" + r + "-a")).extracting(SseEvent::data)
				.containsExactly("{\"value\":" + r + ",\"version\":1}", REMOVED);
		}
		assertThat(replica(2).bus.events(StateRemoved.class)).hasSize(6);
	}

	@Test
	void generatedKeysShouldBeUniqueAcrossReplicas() throws Exception {
		int perReplica = 200;
		ExecutorService pool = Executors.newFixedThreadPool(this.replicas.size());
		List<Future<List<String>>> made = new ArrayList<>();
		for (Replica replica : this.replicas) {
			made.add(pool.submit(() -> {
				List<String> keys = new ArrayList<>();
				for (int i = 0; i < perReplica; i++) {
					keys.add(replica.states.createState(Integer.class, i).block(TIMEOUT).key());
				}
				return keys;
			}));
		}
		Set<String> keys = new HashSet<>();
		for (Future<List<String>> future : made) {
			keys.addAll(future.get(2, TimeUnit.MINUTES));
		}
		pool.shutdown();
		int total = this.replicas.size() * perReplica;
		assertThat(keys).hasSize(total).allSatisfy((key) -> assertThat(key).matches("s-[A-Za-z0-9_-]{22}"));
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> replica.states.stateKeys().size() == total);
			assertThat(replica.states.stateKeys()).isEqualTo(keys);
		}
	}

	private Replica replica(int index) {
		return this.replicas.get(index);
	}

	private EvStream connect(Replica replica, String channel) {
		return replica.streams.connect(EvConnectRequest.of(channel)).block(TIMEOUT);
	}

	private StreamListener listen(Replica replica, String channel) {
		StreamListener listener = StreamListener.of(connect(replica, channel));
		this.listeners.add(listener);
		return listener;
	}

	/**
	 * Publishes a marker after everything the test did and waits until every replica got
	 * it: what was published before has reached them, so nothing more is on its way.
	 */
	private void settleBuses() {
		DirectMessage marker = new DirectMessage("settle-" + System.nanoTime(), null, "x", null);
		replica(0).backend.bus().publish(marker).block(TIMEOUT);
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> replica.bus.events(DirectMessage.class).contains(marker));
		}
	}

	/**
	 * What one replica's bus delivered.
	 */
	private static final class BusEvents {

		private final List<BusEvent> events = new CopyOnWriteArrayList<>();

		void add(BusEvent event) {
			this.events.add(event);
		}

		<T extends BusEvent> List<T> events(Class<T> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

	}

	/**
	 * One instance of the application: its own connections to Redis, backend, stream
	 * manager, states and presence, on the key prefix every replica shares.
	 */
	private static final class Replica implements AutoCloseable {

		private final RedisReplica engine;

		private final RedisBackend backend;

		private final EvStreamManager streams;

		private final EvPresence presence;

		private final EvStateManager states;

		private final BusEvents bus = new BusEvents();

		private final Disposable busSubscription;

		private Replica(RedisServer server, String prefix) {
			this.engine = RedisReplica.start(server, prefix, ChannelHistory.DEFAULT_SIZE);
			this.backend = this.engine.backend();
			this.streams = this.engine.streams();
			this.busSubscription = this.backend.bus().subscribe(this.bus::add);
			this.presence = new EvPresence(this.streams, Duration.ofMillis(500));
			this.states = new EvStateManager(this.streams, JSON);
		}

		/**
		 * Starts a replica once its bus has subscribed and its states are loaded, as a
		 * deployment routes to a replica once it is ready.
		 */
		static Replica start(RedisServer server, String prefix) {
			Replica replica = new Replica(server, prefix);
			replica.states.ready().block(TIMEOUT);
			return replica;
		}

		@Override
		public void close() {
			this.states.close();
			this.presence.close();
			this.busSubscription.dispose();
			this.engine.close();
		}

	}

}
