package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogAppendRequest;
import dev.evstream.core.log.EvLogEntry;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogHistory;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import dev.evstream.test.SseEvent;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Event logs on two replicas that share one Redis, with a counter only the user who
 * claimed it may increment: claims made at once on both replicas are accepted once, and
 * listeners build the log from its history and the appends that follow, on whichever
 * replica they join or resume, while refusals reach only the client that sent the event.
 */
class LogReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int HISTORY = 20;

	private static final String LOG = "counter";

	private static final String COMPACTED = "compacted";

	private static final int COMPACT_ABOVE = 4;

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private static final EvPrincipal BOB = EvPrincipal.of("bob");

	private final List<Replica> replicas = new ArrayList<>();

	private final List<StreamListener> listeners = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		String prefix = RedisConnections.isolatedKeys().prefix();
		for (int i = 0; i < 2; i++) {
			this.replicas.add(Replica.start(RedisServer.shared(), prefix));
		}
	}

	@AfterEach
	void stopReplicas() {
		this.listeners.forEach(StreamListener::dispose);
		this.replicas.forEach(Replica::close);
	}

	@Test
	void usersClaimingAtOnceOnTwoReplicasShouldHaveOneClaimAcceptedPerRound() throws Exception {
		StreamListener onA = connect(replica(0), null, LOG);
		StreamListener onB = connect(replica(1), null, LOG);
		int rounds = 50;
		ExecutorService pool = Executors.newFixedThreadPool(2);
		List<Map<String, Object>> expected = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			CountDownLatch start = new CountDownLatch(1);
			Future<Boolean> byAnn = pool.submit(() -> claim(replica(0).counter, ANN, start));
			Future<Boolean> byBob = pool.submit(() -> claim(replica(1).counter, BOB, start));
			start.countDown();
			boolean annClaimed = byAnn.get(1, TimeUnit.MINUTES);
			boolean bobClaimed = byBob.get(1, TimeUnit.MINUTES);
			assertThat(annClaimed).as("round %d: exactly one claim accepted", round).isNotEqualTo(bobClaimed);
			EvPrincipal holder = annClaimed ? ANN : BOB;
			EvPrincipal other = annClaimed ? BOB : ANN;
			assertThatExceptionOfType(EvLogEventRejectedException.class)
				.isThrownBy(() -> replica(0).counter.append("increment", 1, other).block(TIMEOUT))
				.withMessageContaining("claimed by someone else");
			assertThatExceptionOfType(EvLogEventRejectedException.class)
				.isThrownBy(() -> replica(1).counter.append("release", null, other).block(TIMEOUT));
			long sequence = round * 3L;
			assertThat(replica(round % 2).counter.append("increment", 1, holder).block(TIMEOUT).sequence())
				.isEqualTo(sequence + 2);
			assertThat(replica((round + 1) % 2).counter.append("release", null, holder).block(TIMEOUT).sequence())
				.isEqualTo(sequence + 3);
			expected.add(event(sequence + 1, "claim", null, holder));
			expected.add(event(sequence + 2, "increment", 1, holder));
			expected.add(event(sequence + 3, "release", null, holder));
		}
		pool.shutdown();
		EvLogHistory<Counter> history = replica(0).counter.history().block(TIMEOUT);
		assertThat(replica(1).counter.history().block(TIMEOUT)).isEqualTo(history);
		JsonNode log = json(history);
		assertThat(log).isEqualTo(json(Map.of("base", base(0, new Counter(0, null)), "events", expected)));
		for (Replica replica : this.replicas) {
			assertThat(replica.counter.state().block(TIMEOUT)).isEqualTo(new Counter(rounds, null));
		}
		for (StreamListener listener : List.of(onA, onB)) {
			// the history a listener joins with may already hold the first claims, so it
			// is done when its view is the log, not after a number of events
			listener.await((events) -> view(events.stream().filter((event) -> event.event().equals(LOG)).toList())
				.equals(log));
			assertThat(view(listener.events(LOG))).isEqualTo(log);
			assertThat(listener.events("reset")).isEmpty();
		}
	}

	@Test
	void listenersJoiningShouldGetAHistoryEqualToTheLogAlsoAfterCompaction() {
		for (int i = 1; i <= 3; i++) {
			replica(i % 2).counter.append("increment", i, ANN).block(TIMEOUT);
			replica(i % 2).compacted.append("increment", i, ANN).block(TIMEOUT);
		}
		assertJoinersSeeTheLog(LOG, 0);
		assertJoinersSeeTheLog(COMPACTED, 0);
		// the fifth event leaves more than allowed: the base moves to it
		for (int i = 4; i <= COMPACT_ABOVE + 3; i++) {
			replica(i % 2).compacted.append("increment", i, ANN).block(TIMEOUT);
		}
		EvLogHistory<Counter> compacted = assertJoinersSeeTheLog(COMPACTED, COMPACT_ABOVE + 1);
		assertThat(compacted.entries()).extracting(EvLogEntry::sequence)
			.containsExactly(COMPACT_ABOVE + 2L, COMPACT_ABOVE + 3L);
		assertThat(replica(1).compacted.state().block(TIMEOUT))
			.isEqualTo(new Counter((COMPACT_ABOVE + 3) * (COMPACT_ABOVE + 4) / 2, null));
	}

	@Test
	void listenerResumingOnAnotherReplicaShouldGetTheMissedAppendsOrAResetAndANewHistory() {
		EvLog<Counter> onA = replica(0).counter;
		EvLog<Counter> onB = replica(1).counter;
		onA.append("increment", 1, ANN).block(TIMEOUT);
		StreamListener first = connect(replica(0), null, LOG);
		first.await((events) -> events.size() >= 2);
		onB.append("increment", 2, BOB).block(TIMEOUT);
		onA.append("claim", null, ANN).block(TIMEOUT);
		first.await((events) -> events.size() >= 4);
		assertThat(view(first.events(LOG))).isEqualTo(json(onB.history().block(TIMEOUT)));
		String lastEventId = first.lastEventId();
		first.dispose();
		onB.append("increment", 3, ANN).block(TIMEOUT);
		onA.append("release", null, ANN).block(TIMEOUT);
		onB.append("increment", 4, BOB).block(TIMEOUT);
		StreamListener second = connect(replica(1), lastEventId, LOG);
		List<SseEvent> resumed = second.await((events) -> events.size() >= 4);
		assertThat(resumed).extracting(SseEvent::event).containsExactly("connected", LOG, LOG, LOG);
		List<EvLogEntry> entries = onA.history().block(TIMEOUT).entries();
		assertThat(second.events(LOG)).extracting(LogReplicasIntegrationTests::read)
			.containsExactlyElementsOf(entries.subList(3, 6).stream().map((entry) -> appended(entry)).toList());
		String staleEventId = second.lastEventId();
		second.dispose();
		for (int i = 0; i < HISTORY * 2; i++) {
			replica(i % 2).counter.append("increment", 1, BOB).block(TIMEOUT);
		}
		StreamListener third = connect(replica(0), staleEventId, LOG);
		List<SseEvent> reset = third.await((events) -> events.size() >= 3);
		assertThat(reset).extracting(SseEvent::event).containsExactly("connected", "reset", LOG);
		assertThat(read(reset.get(2))).isEqualTo(history(onB.history().block(TIMEOUT)));
		assertThat(onA.state().block(TIMEOUT)).isEqualTo(new Counter(10 + HISTORY * 2, null));
	}

	@Test
	void eventRefusedOnOneReplicaShouldBeInvalidatedOnlyForTheSenderOnTheOther() {
		EvLog<Counter> onA = replica(0).counter;
		onA.append("claim", null, ANN).block(TIMEOUT);
		StreamListener sender = connect(replica(1), null, LOG);
		StreamListener otherOnB = connect(replica(1), null, LOG);
		StreamListener otherOnA = connect(replica(0), null, LOG);
		for (StreamListener listener : List.of(sender, otherOnB, otherOnA)) {
			listener.await((events) -> events.size() >= 2);
		}
		EvLogAppendRequest request = new EvLogAppendRequest("claim", null, "e1", sender.stream().id());
		assertThatExceptionOfType(EvLogEventRejectedException.class)
			.isThrownBy(() -> onA.appendFromClient(request, BOB).block(TIMEOUT))
			.withMessageContaining("already claimed");
		sender.await((events) -> events.size() >= 3);
		SseEvent invalidate = sender.events(LOG).get(1);
		assertThat(read(invalidate))
			.isEqualTo(JSON.readTree("{\"op\":\"invalidate\",\"eventId\":\"e1\",\"reason\":\"already claimed\"}"));
		assertThat(invalidate.id()).isNull();
		// appended after the refusal: a listener that has it would have had the
		// invalidate
		replica(1).counter.append("increment", 5, ANN).block(TIMEOUT);
		for (StreamListener listener : List.of(sender, otherOnB, otherOnA)) {
			listener.await((events) -> events.stream()
				.anyMatch((event) -> event.event().equals(LOG) && "append".equals(op(event))));
		}
		assertThat(otherOnB.events(LOG)).extracting(LogReplicasIntegrationTests::op)
			.containsExactly("history", "append");
		assertThat(otherOnA.events(LOG)).extracting(LogReplicasIntegrationTests::op)
			.containsExactly("history", "append");
		assertThat(sender.events(LOG)).extracting(LogReplicasIntegrationTests::op)
			.containsExactly("history", "invalidate", "append");
		EvLogHistory<Counter> history = onA.history().block(TIMEOUT);
		assertThat(history.entries()).extracting(EvLogEntry::type).containsExactly("claim", "increment");
		assertThat(view(sender.events(LOG))).isEqualTo(json(history));
	}

	private EvLogHistory<Counter> assertJoinersSeeTheLog(String name, long baseSequence) {
		EvLogHistory<Counter> history = replica(0).log(name).history().block(TIMEOUT);
		assertThat(history.baseSequence()).isEqualTo(baseSequence);
		for (Replica replica : this.replicas) {
			StreamListener listener = connect(replica, null, name);
			List<SseEvent> joined = listener.await((events) -> events.size() >= 2);
			assertThat(joined).extracting(SseEvent::event).containsExactly("connected", name);
			assertThat(read(joined.get(1))).isEqualTo(history(history));
			assertThat(joined.get(1).id()).isNotNull();
			listener.dispose();
		}
		return history;
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

	private static boolean claim(EvLog<Counter> log, EvPrincipal user, CountDownLatch start) throws Exception {
		start.await();
		try {
			log.append("claim", null, user).block(TIMEOUT);
			return true;
		}
		catch (EvLogEventRejectedException ex) {
			assertThat(ex).hasMessageContaining("already claimed");
			return false;
		}
	}

	/**
	 * The log as a client builds it from a channel's events: the base of the last
	 * history, and the events of that history and of the appends after it.
	 */
	private static JsonNode view(List<SseEvent> events) {
		ObjectNode log = JSON.createObjectNode();
		ArrayNode kept = log.putArray("events");
		for (SseEvent event : events) {
			ObjectNode data = (ObjectNode) read(event);
			switch (data.get("op").asString()) {
				case "history" -> {
					log.set("base", data.get("base"));
					kept.removeAll();
					kept.addAll((ArrayNode) data.get("events"));
				}
				case "append" -> {
					data.remove("op");
					kept.add(data);
				}
				default -> {
				}
			}
		}
		return log;
	}

	/**
	 * The log as the wire writes it: the base and the events after it.
	 */
	private static JsonNode json(EvLogHistory<Counter> history) {
		return json(Map.of("base", base(history.baseSequence(), history.baseState()), "events",
				history.entries().stream().map(LogReplicasIntegrationTests::event).toList()));
	}

	private static JsonNode history(EvLogHistory<Counter> history) {
		ObjectNode message = JSON.createObjectNode().put("op", "history");
		message.setAll((ObjectNode) json(history));
		return message;
	}

	private static JsonNode appended(EvLogEntry entry) {
		ObjectNode message = JSON.createObjectNode().put("op", "append");
		message.setAll((ObjectNode) json(event(entry)));
		return message;
	}

	private static Map<String, Object> base(long sequence, Counter state) {
		Map<String, Object> base = new LinkedHashMap<>();
		base.put("sequence", sequence);
		base.put("state", state);
		return base;
	}

	private static Map<String, Object> event(EvLogEntry entry) {
		Map<String, Object> event = event(entry.sequence(), entry.type(), entry.payload(),
				EvPrincipal.of(entry.dispatcher()));
		if (entry.eventId() != null) {
			event.put("eventId", entry.eventId());
		}
		return event;
	}

	private static Map<String, Object> event(long sequence, String type, @Nullable Object payload,
			EvPrincipal dispatcher) {
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("sequence", sequence);
		event.put("type", type);
		event.put("payload", payload);
		event.put("dispatcher", dispatcher.name());
		return event;
	}

	/**
	 * Writes and reads back, so that numbers compare as the parser reads them.
	 */
	private static JsonNode json(Object value) {
		return JSON.readTree(JSON.writeValueAsString(value));
	}

	private static JsonNode read(SseEvent event) {
		return JSON.readTree(event.data());
	}

	private static String op(SseEvent event) {
		return read(event).get("op").asString();
	}

	/**
	 * A counter only the user who claimed it may increment, as in Krmx's example.
	 *
	 * @param counter the count
	 * @param claim who claimed it, or {@code null}
	 */
	record Counter(int counter, @Nullable String claim) {

		static EvLogModel<Counter> model() {
			return EvLogModel.of(Counter.class, new Counter(0, null))
				.when("increment", Integer.class, (state, dispatcher, by) -> {
					if (state.claim() != null && !state.claim().equals(dispatcher.name())) {
						throw new EvLogEventRejectedException("claimed by someone else");
					}
					return new Counter(state.counter() + ((by != null) ? by : 1), state.claim());
				})
				.when("claim", Void.class, (state, dispatcher, nothing) -> {
					if (state.claim() != null) {
						throw new EvLogEventRejectedException("already claimed");
					}
					return new Counter(state.counter(), dispatcher.name());
				})
				.when("release", Void.class, (state, dispatcher, nothing) -> {
					if (!dispatcher.name().equals(state.claim())) {
						throw new EvLogEventRejectedException("not claimed by you");
					}
					return new Counter(state.counter(), null);
				});
		}

	}

	/**
	 * One instance of the application: its own connections to Redis, backend, stream
	 * manager and logs, on the key prefix every replica shares.
	 */
	private static final class Replica implements AutoCloseable {

		private final RedisReplica engine;

		private final RedisBackend backend;

		private final EvStreamManager streams;

		private final EvLogs logs;

		private final EvLog<Counter> counter;

		private final EvLog<Counter> compacted;

		private Replica(RedisServer server, String prefix) {
			this.engine = RedisReplica.start(server, prefix, HISTORY);
			this.backend = this.engine.backend();
			this.streams = this.engine.streams();
			this.logs = new EvLogs(this.streams, JSON);
			this.counter = this.logs.register(LOG, Counter.model());
			this.compacted = this.logs.register(COMPACTED, Counter.model().compactAbove(COMPACT_ABOVE));
		}

		/**
		 * Starts a replica once its bus has subscribed, as a deployment routes to a
		 * replica once it is ready: a change published before never reaches it.
		 */
		EvLog<Counter> log(String name) {
			return LOG.equals(name) ? this.counter : this.compacted;
		}

		static Replica start(RedisServer server, String prefix) {
			Replica replica = new Replica(server, prefix);
			return replica;
		}

		@Override
		public void close() {
			this.engine.close();
		}

	}

}
