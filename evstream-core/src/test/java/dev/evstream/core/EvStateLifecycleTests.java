package dev.evstream.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.presence.EvPresence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.core.type.TypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * States that end by themselves (a time to live, a self-destruct rule), all states
 * removed at once, and states under generated keys.
 */
class EvStateLifecycleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String REMOVED = "{\"removed\":true}";

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final InMemoryBackend backend = new InMemoryBackend();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.time.dispose();
	}

	// ---- time to live

	@Test
	void ttlShouldRemoveTheStateOnceWithALastEventToEveryListener() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		EvStateManager other = states(streamsOnVirtualTime());
		EvState<Integer> counter = states.createStateBlocking("counter", Integer.class, 0,
				EvStateOptions.defaults().ttl(Duration.ofMinutes(1)));
		StreamRecorder first = listen(streams, "counter");
		StreamRecorder second = listen(streams, "counter");
		assertThat(other.hasState("counter")).isTrue();
		this.time.advanceTimeBy(Duration.ofSeconds(59));
		assertThat(states.hasState("counter")).isTrue();
		assertThat(first.data("counter")).containsExactly("{\"value\":0,\"version\":1}");
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(states.hasState("counter")).isFalse();
		assertThat(other.hasState("counter")).isFalse();
		this.time.advanceTimeBy(Duration.ofMinutes(5));
		for (StreamRecorder listener : List.of(first, second)) {
			assertThat(listener.data("counter")).containsExactly("{\"value\":0,\"version\":1}", REMOVED);
			assertThat(listener.text()).contains("event: counter\ndata: {\"removed\":true}\n\n");
		}
		StepVerifier.create(counter.set(1)).expectError(EvStateRemovedException.class).verify(TIMEOUT);
	}

	@Test
	void ttlShouldBeKnownToAnInstanceThatLoadsTheStateLater() {
		EvStateManager states = states(streamsOnVirtualTime());
		states.createStateBlocking("late", Integer.class, 0, EvStateOptions.defaults().ttl(Duration.ofMinutes(1)));
		// the creator goes away before the expiry: the instance that came later applies
		// it
		states.close();
		EvStreamManager laterStreams = streamsOnVirtualTime();
		EvStateManager later = states(laterStreams);
		StepVerifier.create(later.ready()).expectComplete().verify(TIMEOUT);
		StreamRecorder listener = listen(laterStreams, "late");
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(later.hasState("late")).isFalse();
		assertThat(this.backend.stateStore().get("late").block(TIMEOUT)).isNull();
		assertThat(listener.data("late")).containsExactly("{\"value\":0,\"version\":1}", REMOVED);
	}

	@Test
	void stateCreatedAgainBeforeAnOldExpiryShouldNotBeRemovedByIt() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		states.createStateBlocking("room", Integer.class, 1, EvStateOptions.defaults().ttl(Duration.ofMinutes(1)));
		StreamRecorder listener = listen(streams, "room");
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		StepVerifier.create(states.removeState("room")).expectNext(true).expectComplete().verify(TIMEOUT);
		EvState<Integer> again = states.createStateBlocking("room", Integer.class, 2,
				EvStateOptions.defaults().ttl(Duration.ofMinutes(5)));
		// the old life's expiry: the state of the new one stays
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(states.hasState("room")).isTrue();
		StepVerifier.create(again.set(3)).expectNext(3).expectComplete().verify(TIMEOUT);
		assertThat(listener.data("room")).containsExactly("{\"value\":1,\"version\":1}", REMOVED,
				"{\"value\":2,\"version\":1}", "{\"value\":3,\"version\":2}");
		// and its own
		this.time.advanceTimeBy(Duration.ofMinutes(4));
		assertThat(states.hasState("room")).isFalse();
		assertThat(listener.data("room")).endsWith("{\"value\":3,\"version\":2}", REMOVED);
	}

	@Test
	void ttlOfAnExistingStateShouldNotChangeIt() {
		EvStateManager states = states(streamsOnVirtualTime());
		states.createStateBlocking("kept", Integer.class, 0);
		states.createStateBlocking("kept", Integer.class, 0, EvStateOptions.defaults().ttl(Duration.ofSeconds(1)));
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(states.hasState("kept")).isTrue();
	}

	// ---- self-destruct

	@Test
	void selfDestructShouldRemoveTheStateWhenTheRuleSaysSoAfterALeave() throws Exception {
		EvStreamManager streams = Engines.streams().backend(this.backend).build();
		this.closeables.add(streams);
		EvPresence presence = new EvPresence(streams, Duration.ofSeconds(1));
		this.closeables.add(presence);
		EvStateManager states = states(streams);
		List<Long> asked = new CopyOnWriteArrayList<>();
		List<Instant> createdAts = new CopyOnWriteArrayList<>();
		Instant before = Instant.now();
		EvState<String> room = states.createStateBlocking("room", String.class, "open",
				EvStateOptions.defaults().selfDestruct((clientsLeft, createdAt) -> {
					asked.add(clientsLeft);
					createdAts.add(createdAt);
					return clientsLeft < 2;
				}));
		Instant after = Instant.now();
		EvStream a = connect(streams, "room");
		EvStream b = connect(streams, "room");
		EvStream c = connect(streams, "room");
		StreamRecorder staying = StreamRecorder.read(a);
		StreamRecorder.read(b);
		StreamRecorder.read(c);
		await().atMost(TIMEOUT).until(() -> presence.count("room").block(TIMEOUT) == 3);
		c.close();
		await().atMost(TIMEOUT).until(() -> asked.size() == 1);
		assertThat(asked).containsExactly(2L);
		assertThat(states.hasState("room")).isTrue();
		b.close();
		staying.await((events) -> events.stream().anyMatch((event) -> REMOVED.equals(event.data())), TIMEOUT);
		assertThat(asked).containsExactly(2L, 1L);
		assertThat(createdAts).allSatisfy((createdAt) -> assertThat(createdAt)
			.isBetween(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), after));
		assertThat(states.hasState("room")).isFalse();
		assertThat(staying.data("room")).containsExactly("{\"value\":\"open\",\"version\":1}", REMOVED);
		StepVerifier.create(room.set("closed")).expectError(EvStateRemovedException.class).verify(TIMEOUT);
	}

	@Test
	void selfDestructWhenEmptyShouldRemoveTheStateOnTheLastLeaveOnly() {
		EvStreamManager streams = Engines.streams().backend(this.backend).build();
		this.closeables.add(streams);
		EvPresence presence = new EvPresence(streams, Duration.ofSeconds(1));
		this.closeables.add(presence);
		EvStateManager states = states(streams);
		List<Long> asked = new CopyOnWriteArrayList<>();
		states.createStateBlocking("room", Integer.class, 0,
				EvStateOptions.defaults().selfDestruct((clientsLeft, createdAt) -> {
					asked.add(clientsLeft);
					return EvStateSelfDestruct.WHEN_EMPTY.shouldDestroy(clientsLeft, createdAt);
				}));
		EvStream first = connect(streams, "room");
		EvStream second = connect(streams, "room");
		await().atMost(TIMEOUT).until(() -> presence.count("room").block(TIMEOUT) == 2);
		first.close();
		await().atMost(TIMEOUT).until(() -> asked.size() == 1);
		EvStream other = connect(streams, "room");
		other.close();
		await().atMost(TIMEOUT).until(() -> asked.size() == 2);
		assertThat(asked).containsExactly(1L, 1L);
		assertThat(states.hasState("room")).isTrue();
		second.close();
		await().atMost(TIMEOUT).until(() -> !states.hasState("room"));
		assertThat(this.backend.stateStore().get("room").block(TIMEOUT)).isNull();
	}

	@Test
	void selfDestructRuleThatFailsShouldLeaveTheState() {
		EvStreamManager streams = Engines.streams().backend(this.backend).build();
		this.closeables.add(streams);
		EvPresence presence = new EvPresence(streams, Duration.ofSeconds(1));
		this.closeables.add(presence);
		EvStateManager states = states(streams);
		List<Long> asked = new CopyOnWriteArrayList<>();
		states.createStateBlocking("fragile", Integer.class, 0,
				EvStateOptions.defaults().selfDestruct((clientsLeft, createdAt) -> {
					asked.add(clientsLeft);
					throw new IllegalStateException("broken rule");
				}));
		connect(streams, "fragile").close();
		await().atMost(TIMEOUT).until(() -> asked.size() == 1);
		assertThat(states.hasState("fragile")).isTrue();
	}

	@Test
	void declaringAStateWithAnotherSelfDestructRuleShouldBeRefused() {
		EvStateManager states = states(Engines.streams().backend(this.backend).build());
		states.createStateBlocking("ruled", Integer.class, 0,
				EvStateOptions.defaults().selfDestruct(EvStateSelfDestruct.WHEN_EMPTY));
		states.createStateBlocking("ruled", Integer.class, 0,
				EvStateOptions.defaults().selfDestruct(EvStateSelfDestruct.WHEN_EMPTY));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> states.createStateBlocking("ruled", Integer.class, 0,
					EvStateOptions.defaults().selfDestruct((clientsLeft, createdAt) -> false)))
			.withMessage("State 'ruled' was declared with another self-destruct rule: "
					+ "declare it once, or with the same options");
	}

	// ---- remove all

	@Test
	void removeAllStatesShouldRemoveEveryStateOfTheStoreWithTheLastEvents() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		EvStateManager other = states(streamsOnVirtualTime());
		states.createStateBlocking("a", Integer.class, 1);
		states.createStateBlocking("b", Integer.class, 2);
		EvState<Integer> elsewhere = other.createStateBlocking("c", Integer.class, 3);
		StreamRecorder onA = listen(streams, "a");
		StreamRecorder onC = listen(streams, "c");
		StepVerifier.create(states.removeAllStates()).expectNext(3L).expectComplete().verify(TIMEOUT);
		assertThat(states.stateKeys()).isEmpty();
		assertThat(other.stateKeys()).isEmpty();
		assertThat(onA.data("a")).containsExactly("{\"value\":1,\"version\":1}", REMOVED);
		assertThat(onC.data("c")).containsExactly("{\"value\":3,\"version\":1}", REMOVED);
		StepVerifier.create(elsewhere.set(4)).expectError(EvStateRemovedException.class).verify(TIMEOUT);
		StepVerifier.create(states.removeAllStates()).expectNext(0L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void lastEventShouldReachAListenerThatReadsOnlyAfterTheStateWasCreatedAgain() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		EvState<Integer> counter = states.createStateBlocking("counter", Integer.class, 1);
		EvStream stream = streams.createStream();
		stream.listen("counter");
		StreamRecorder slow = StreamRecorder.stalled(stream);
		counter.set(2).block(TIMEOUT);
		states.removeState("counter").block(TIMEOUT);
		states.createStateBlocking("counter", Integer.class, 10).set(11).block(TIMEOUT);
		slow.request(Long.MAX_VALUE);
		// the versions of each life coalesce, the end of the old life does not
		assertThat(slow.data("counter")).containsExactly(REMOVED, "{\"value\":11,\"version\":2}");
	}

	@Test
	void dataKeyRemovedShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvStateOptions.dataKey("removed"))
			.withMessage("'dataKey' must not be 'removed': events of a state carry that field themselves");
	}

	@Test
	void listenerJoiningAfterARemovalShouldGetNothingOfTheRemovedState() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		states.createStateBlocking("gone", Integer.class, 1);
		states.removeState("gone").block(TIMEOUT);
		StreamRecorder late = listen(streams, "gone");
		assertThat(late.events("gone")).isEmpty();
	}

	// ---- generated keys

	@Test
	void generatedKeysShouldBeValidChannelNamesAndUnique() {
		Set<String> keys = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			String key = EvStateManager.newKey();
			assertThat(key).matches("s-[A-Za-z0-9_-]{22}");
			assertThat(ChannelNames.isValid(key)).isTrue();
			keys.add(key);
		}
		assertThat(keys).hasSize(10_000);
	}

	@Test
	void createStateWithoutAKeyShouldCreateANewStateEachTime() {
		EvStreamManager streams = streamsOnVirtualTime();
		EvStateManager states = states(streams);
		EvState<String> first = states.createState(String.class, "draft").block(TIMEOUT);
		EvState<String> second = states.createStateBlocking(String.class, "draft");
		EvState<List<String>> third = states.createState(new TypeReference<List<String>>() {
		}, List.of("x"), EvStateOptions.defaults().ttl(Duration.ofMinutes(1))).block(TIMEOUT);
		assertThat(List.of(first.key(), second.key(), third.key())).doesNotHaveDuplicates()
			.allSatisfy((key) -> assertThat(key).startsWith("s-"));
		assertThat(states.stateKeys()).containsExactlyInAnyOrder(first.key(), second.key(), third.key());
		assertThat(third.get()).containsExactly("x");
		this.time.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(states.stateKeys()).containsExactlyInAnyOrder(first.key(), second.key());
	}

	// ---- options

	@Test
	void optionsShouldRefuseATimeToLiveThatIsNotPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvStateOptions.defaults().ttl(Duration.ZERO))
			.withMessage("'ttl' must be positive, but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> EvStateOptions.defaults().ttl(Duration.ofSeconds(-1)))
			.withMessage("'ttl' must be positive, but was PT-1S");
		assertThatNullPointerException().isThrownBy(() -> EvStateOptions.defaults().ttl(null))
			.withMessage("'ttl' must not be null");
		assertThatNullPointerException().isThrownBy(() -> EvStateOptions.defaults().selfDestruct(null))
			.withMessage("'rule' must not be null");
	}

	@Test
	void optionsShouldKeepTheLifecycleThroughOtherChanges() {
		EvStateOptions options = EvStateOptions.dataKey("v")
			.ttl(Duration.ofHours(1))
			.selfDestruct(EvStateSelfDestruct.WHEN_EMPTY)
			.withClientWrites();
		assertThat(options.ttl()).isEqualTo(Duration.ofHours(1));
		assertThat(options.selfDestruct()).isSameAs(EvStateSelfDestruct.WHEN_EMPTY);
		assertThat(options.dataKey()).isEqualTo("v");
		assertThat(EvStateOptions.defaults().ttl()).isNull();
		assertThat(EvStateOptions.defaults().selfDestruct()).isNull();
	}

	@Test
	void incarnationShouldTellItsCreationAndExpiry() {
		String incarnation = StateIncarnation.create(1_000, 61_000);
		assertThat(StateIncarnation.createdAt(incarnation)).isEqualTo(1_000);
		assertThat(StateIncarnation.expiresAt(incarnation)).isEqualTo(61_000);
		String forever = StateIncarnation.create(2_000, StateIncarnation.NEVER);
		assertThat(forever).matches("[0-9a-z]+\\.\\.[0-9a-z]+");
		assertThat(StateIncarnation.expiresAt(forever)).isEqualTo(StateIncarnation.NEVER);
		assertThat(StateIncarnation.createdAt("k3j5h2l")).isNull();
		assertThat(StateIncarnation.expiresAt("k3j5h2l")).isEqualTo(StateIncarnation.NEVER);
	}

	private EvStreamManager streamsOnVirtualTime() {
		EvStreamManager streams = Engines.streams().backend(this.backend).scheduler(this.time).build();
		this.closeables.add(streams);
		return streams;
	}

	private EvStateManager states(EvStreamManager streams) {
		EvStateManager states = Engines.states(streams);
		this.closeables.add(states);
		return states;
	}

	private EvStream connect(EvStreamManager streams, String channel) {
		return streams.connect(EvConnectRequest.of(channel)).block(TIMEOUT);
	}

	private static StreamRecorder listen(EvStreamManager streams, String channel) {
		EvStream stream = streams.createStream();
		stream.listen(channel);
		return StreamRecorder.read(stream);
	}

}
