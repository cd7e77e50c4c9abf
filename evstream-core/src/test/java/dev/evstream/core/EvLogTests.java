package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogAppendRequest;
import dev.evstream.core.log.EvLogEntry;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogHistory;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.test.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Server-validated event logs: Krmx's claimable counter, its history on join, its
 * appends, and the invalidation of refused events.
 */
class EvLogTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int HISTORY = 5;

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private static final EvPrincipal BOB = EvPrincipal.of("bob");

	private final EvStreamManager manager = Engines.streams()
		.backend(InMemoryBackend.builder().historySize(HISTORY).build())
		.build();

	private final EvLogs logs = new EvLogs(this.manager, Engines.JSON, (type, payload) -> {
		if (payload instanceof Integer amount && amount > 100) {
			throw new EvLogEventRejectedException("amount must be at most 100");
		}
	});

	private final EvLog<Counter> counter = this.logs.register("claimable-counter", counterModel());

	@AfterEach
	void close() {
		this.manager.close();
	}

	static EvLogModel<Counter> counterModel() {
		return EvLogModel.of(Counter.class, new Counter(0, null))
			.when("increment", Integer.class, (state, dispatcher, amount) -> {
				if (state.claim() != null && !state.claim().equals(dispatcher.name())) {
					throw new EvLogEventRejectedException("claimed by someone else");
				}
				return new Counter(state.counter() + amount, state.claim());
			})
			.when("claim", Void.class, (state, dispatcher, none) -> {
				if (state.claim() != null) {
					throw new EvLogEventRejectedException("already claimed");
				}
				return new Counter(state.counter(), dispatcher.name());
			})
			.when("release", Void.class, (state, dispatcher, none) -> {
				if (!dispatcher.name().equals(state.claim())) {
					throw new EvLogEventRejectedException("claimed by someone else");
				}
				return new Counter(state.counter(), null);
			});
	}

	@Test
	void handlersShouldDeriveTheStateAndRefuseWhatTheyDoNotAllow() {
		assertThat(this.counter.append("increment", 3, ANN).block(TIMEOUT).sequence()).isEqualTo(1);
		this.counter.append("claim", null, BOB).block(TIMEOUT);
		assertRejected(() -> this.counter.append("increment", 1, ANN), "claimed by someone else");
		assertRejected(() -> this.counter.append("claim", null, ANN), "already claimed");
		this.counter.append("increment", 2, BOB).block(TIMEOUT);
		this.counter.append("release", null, BOB).block(TIMEOUT);
		assertThat(this.counter.state().block(TIMEOUT)).isEqualTo(new Counter(5, null));
		assertThat(this.counter.history().block(TIMEOUT).entries()).extracting(EvLogEntry::type)
			.containsExactly("increment", "claim", "increment", "release");
	}

	@Test
	void payloadsShouldBeValidatedBeforeHandlersRun() {
		assertRejected(() -> this.counter.append("increment", "three", ANN),
				"The payload of event 'increment' is not a valid Integer");
		assertRejected(() -> this.counter.append("increment", null, ANN),
				"Event 'increment' needs a payload: a Integer");
		assertRejected(() -> this.counter.append("claim", 1, ANN), "Event 'claim' takes no payload");
		assertRejected(() -> this.counter.append("reset", null, ANN),
				"Log 'claimable-counter' has no event type 'reset'");
		assertRejected(() -> this.counter.append("increment", 101, ANN), "amount must be at most 100");
		assertThat(this.counter.history().block(TIMEOUT).entries()).isEmpty();
		assertThat(this.counter.state().block(TIMEOUT)).isEqualTo(new Counter(0, null));
	}

	@Test
	void joiningListenerShouldReceiveTheHistoryThenEachAppend() {
		this.counter.append("increment", 3, ANN).block(TIMEOUT);
		this.counter.append("claim", null, BOB).block(TIMEOUT);
		StreamRecorder recorder = connect(null, "claimable-counter");
		recorder.await((events) -> events.size() >= 2, TIMEOUT);
		this.counter.append("increment", 4, BOB).block(TIMEOUT);
		recorder.await((events) -> events.size() >= 3, TIMEOUT);
		assertThat(recorder.data("claimable-counter")).containsExactly(
				"{\"op\":\"history\",\"base\":{\"sequence\":0,\"state\":{\"counter\":0,\"claim\":null}},\"events\":["
						+ "{\"sequence\":1,\"type\":\"increment\",\"payload\":3,\"dispatcher\":\"ann\"},"
						+ "{\"sequence\":2,\"type\":\"claim\",\"payload\":null,\"dispatcher\":\"bob\"}]}",
				"{\"op\":\"append\",\"sequence\":3,\"type\":\"increment\",\"payload\":4,\"dispatcher\":\"bob\"}");
	}

	@Test
	void refusedEventShouldReachOnlyItsSenderAsInvalidate() {
		this.counter.append("claim", null, BOB).block(TIMEOUT);
		StreamRecorder sender = connect(null, "claimable-counter");
		StreamRecorder other = connect(null, "claimable-counter");
		String senderId = connectionId(sender);
		assertRejected(
				() -> this.counter.appendFromClient(
						new EvLogAppendRequest("increment", Engines.JSON.valueToTree(1), "e-1", senderId), ANN),
				"claimed by someone else");
		sender.await((events) -> events.stream().anyMatch((event) -> event.data().contains("invalidate")), TIMEOUT);
		// the other's history is read when it connects: once it has it, the release below
		// reaches it as an append
		other.await((events) -> events.size() >= 2, TIMEOUT);
		this.counter.append("release", null, BOB).block(TIMEOUT);
		other.await((events) -> events.size() >= 3, TIMEOUT);
		assertThat(sender.data("claimable-counter"))
			.contains("{\"op\":\"invalidate\",\"eventId\":\"e-1\",\"reason\":\"claimed by someone else\"}");
		assertThat(other.data("claimable-counter")).noneMatch((data) -> data.contains("invalidate"));
		assertThat(this.counter.history().block(TIMEOUT).entries()).extracting(EvLogEntry::type)
			.containsExactly("claim", "release");
	}

	@Test
	void retriedEventIdShouldBeAppendedOnceAndAnsweredWithItsSequence() {
		EvLogAppendRequest claim = new EvLogAppendRequest("claim", null, "claim-1", null);
		EvLogEntry first = this.counter.appendFromClient(claim, ANN).block(TIMEOUT);
		// a retry would be refused ("already claimed") if it were validated again
		EvLogEntry retried = this.counter.appendFromClient(claim, ANN).block(TIMEOUT);
		assertThat(retried.sequence()).isEqualTo(first.sequence());
		assertThat(this.counter.history().block(TIMEOUT).entries()).hasSize(1);
	}

	@Test
	void concurrentClaimsShouldAcceptExactlyOne() throws Exception {
		ExecutorService claimants = Executors.newFixedThreadPool(8);
		for (int round = 0; round < 20; round++) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> claims = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				EvPrincipal claimant = EvPrincipal.of("user-" + i);
				claims.add(claimants.submit(() -> {
					start.await();
					try {
						this.counter.append("claim", null, claimant).block(TIMEOUT);
						return true;
					}
					catch (EvLogEventRejectedException ex) {
						return false;
					}
				}));
			}
			start.countDown();
			int accepted = 0;
			for (Future<Boolean> claim : claims) {
				accepted += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(accepted).isEqualTo(1);
			String holder = this.counter.state().block(TIMEOUT).claim();
			this.counter.append("release", null, EvPrincipal.of(holder)).block(TIMEOUT);
		}
		claimants.shutdown();
		assertThat(this.counter.history().block(TIMEOUT).entries()).hasSize(40);
	}

	@Test
	void compactedLogShouldBeJoinedFromItsState() {
		EvLog<Counter> compacted = this.logs.register("compacted", counterModel().compactAbove(3));
		for (int i = 1; i <= 5; i++) {
			compacted.append("increment", i, ANN).block(TIMEOUT);
		}
		EvLogHistory<Counter> history = compacted.history().block(TIMEOUT);
		assertThat(history.baseSequence()).isEqualTo(4);
		assertThat(history.baseState()).isEqualTo(new Counter(10, null));
		assertThat(history.entries()).extracting(EvLogEntry::sequence).containsExactly(5L);
		StreamRecorder recorder = connect(null, "compacted");
		recorder.await((events) -> events.size() >= 2, TIMEOUT);
		assertThat(recorder.data("compacted")).containsExactly(
				"{\"op\":\"history\",\"base\":{\"sequence\":4,\"state\":{\"counter\":10,\"claim\":null}},\"events\":["
						+ "{\"sequence\":5,\"type\":\"increment\",\"payload\":5,\"dispatcher\":\"ann\"}]}");
		assertThat(compacted.state().block(TIMEOUT)).isEqualTo(new Counter(15, null));
	}

	@Test
	void resumeShouldReplayMissedAppendsOrResetToTheHistory() {
		StreamRecorder first = connect(null, "claimable-counter");
		first.await((events) -> events.size() >= 2, TIMEOUT);
		String lastEventId = first.lastEventId();
		first.cancel();
		this.counter.append("increment", 1, ANN).block(TIMEOUT);
		StreamRecorder resumed = connect(lastEventId, "claimable-counter");
		resumed.await((events) -> events.size() >= 2, TIMEOUT);
		assertThat(resumed.data("claimable-counter")).containsExactly(
				"{\"op\":\"append\",\"sequence\":1,\"type\":\"increment\",\"payload\":1,\"dispatcher\":\"ann\"}");
		String later = resumed.lastEventId();
		resumed.cancel();
		for (int i = 0; i < HISTORY * 2; i++) {
			this.counter.append("increment", 1, ANN).block(TIMEOUT);
		}
		StreamRecorder reset = connect(later, "claimable-counter");
		List<SseEvent> events = reset.await((all) -> all.size() >= 3, TIMEOUT);
		assertThat(events).extracting(SseEvent::event).containsExactly("connected", "reset", "claimable-counter");
		assertThat(reset.data("claimable-counter").get(0)).startsWith("{\"op\":\"history\"")
			.contains("{\"sequence\":11,");
	}

	@Test
	void failingHandlerShouldBeReportedAsItsDefectNotTheStores() {
		EvLog<Counter> broken = this.logs.register("broken", EvLogModel.of(Counter.class, new Counter(0, null))
			.when("explode", Void.class, (state, dispatcher, none) -> {
				throw new ArithmeticException("bug");
			}));
		assertThatIllegalStateException().isThrownBy(() -> broken.append("explode", null, ANN).block(TIMEOUT))
			.withMessage("The handler of event 'explode' failed")
			.withCauseInstanceOf(ArithmeticException.class);
		assertThat(broken.history().block(TIMEOUT).entries()).isEmpty();
	}

	@Test
	void namesShouldBeCheckedAndOwned() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.logs.register("claimable-counter", counterModel()))
			.withMessage("Log 'claimable-counter' is already registered");
		assertThatIllegalArgumentException().isThrownBy(() -> this.logs.register("a/b", counterModel()))
			.withMessageContaining("Log name 'a/b' is invalid");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.manager.send("claimable-counter", EvMessage.of("forged")))
			.withMessageContaining("belongs to a model");
	}

	@Test
	void channelOfAnotherModelShouldNotBecomeALog() {
		this.manager.claimChannel("taken", (channel) -> Mono.empty());
		assertThatIllegalStateException().isThrownBy(() -> this.logs.register("taken", counterModel()))
			.withMessage("Channel 'taken' already belongs to another model");
		assertThat(this.logs.find("taken")).isNull();
	}

	private void assertRejected(Supplier<Mono<?>> append, String reason) {
		assertThatExceptionOfType(EvLogEventRejectedException.class).isThrownBy(() -> append.get().block(TIMEOUT))
			.withMessageContaining(reason);
	}

	private StreamRecorder connect(@Nullable String lastEventId, String... channels) {
		EvStream stream = this.manager.connect(EvConnectRequest.of(channels).resumingFrom(lastEventId)).block(TIMEOUT);
		return StreamRecorder.read(stream);
	}

	private static String connectionId(StreamRecorder recorder) {
		SseEvent connected = recorder.await((events) -> !events.isEmpty(), TIMEOUT).get(0);
		return Engines.JSON.readTree(connected.data()).get("connectionId").asString();
	}

	record Counter(int counter, @Nullable String claim) {
	}

}
