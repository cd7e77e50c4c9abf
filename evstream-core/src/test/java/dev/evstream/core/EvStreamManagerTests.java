package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.test.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class EvStreamManagerTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final EvStreamManager manager = Engines.streams(this.time);

	@AfterEach
	void close() {
		this.manager.close();
		this.time.dispose();
	}

	@Test
	void builderWhenLimitIsZeroOrNegativeShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvStreamManager.builder().maxConnections(0))
			.withMessage("'maxConnections' must be at least 1, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> EvStreamManager.builder().maxListeners(-5))
			.withMessage("'maxListeners' must be at least 1, but was -5");
		assertThatIllegalArgumentException().isThrownBy(() -> EvStreamManager.builder().bufferSize(0))
			.withMessageContaining("'bufferSize'");
		assertThatIllegalArgumentException().isThrownBy(() -> EvStreamManager.builder().heartbeat(Duration.ZERO))
			.withMessageContaining("'heartbeat' must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> EvStreamManager.builder().maxChannelsPerConnection(49))
			.withMessageContaining("at most 48");
	}

	@Test
	void resumeAfterShutdownShouldAcceptNewStreamsAndNotAfterClose() {
		EvStream before = this.manager.createStream();
		this.manager.shutdown(Duration.ofMillis(100)).subscribe();
		assertThat(before.isClosed()).isTrue();
		assertThatExceptionOfType(EvShutdownException.class).isThrownBy(this.manager::createStream);
		this.manager.resume();
		assertThat(this.manager.createStream().isClosed()).isFalse();
		this.manager.close();
		assertThatIllegalStateException().isThrownBy(this.manager::resume).withMessageContaining("closed");
	}

	@Test
	void builderWithoutJsonMapperShouldThrow() {
		assertThatIllegalStateException().isThrownBy(() -> EvStreamManager.builder().build())
			.withMessageContaining("JSON mapper");
	}

	@Test
	void createStreamWhenConnectionLimitReachedShouldThrowAndFreeSlotOnClose() {
		EvStreamManager limited = Engines.streams().maxConnections(2).build();
		EvStream first = limited.createStream();
		limited.createStream();
		assertThatExceptionOfType(EvMaxConnectionsException.class).isThrownBy(limited::createStream)
			.withMessage("The maximum of 2 connections is reached")
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(2));
		first.close();
		assertThat(limited.connectionCount()).isEqualTo(1);
		assertThat(limited.createStream()).isNotNull();
		limited.close();
	}

	@Test
	void listenWhenListenerLimitReachedShouldThrowAndQueueNothing() {
		EvStreamManager limited = Engines.streams().maxListeners(1).build();
		limited.createStream().listen("news");
		EvStream second = limited.createStream();
		assertThatExceptionOfType(EvMaxListenersException.class).isThrownBy(() -> second.listen("news"))
			.withMessage("Channel 'news' already has the maximum of 1 listeners")
			.satisfies((ex) -> assertThat(ex.channel()).isEqualTo("news"));
		assertThat(second.channels()).isEmpty();
		assertThat(limited.listenerCount("news")).isEqualTo(1);
		StreamRecorder recorder = StreamRecorder.read(second);
		assertThat(recorder.text()).isEmpty();
		limited.close();
	}

	@Test
	void listenWhenChannelNameIsInvalidShouldThrow() {
		EvStream stream = this.manager.createStream();
		assertThatIllegalArgumentException().isThrownBy(() -> stream.listen("bad channel"))
			.withMessageContaining("Channel name 'bad channel' is invalid");
		assertThatIllegalArgumentException().isThrownBy(() -> stream.listen("x".repeat(129)))
			.withMessageContaining("is invalid");
		assertThatIllegalArgumentException().isThrownBy(() -> stream.listen(""));
	}

	@Test
	void sendShouldReachEveryListenerOnceAndNoOneElse() {
		EvStream a = this.manager.createStream();
		EvStream b = this.manager.createStream();
		EvStream other = this.manager.createStream();
		a.listen("news");
		b.listen("news");
		other.listen("sport");
		StreamRecorder ra = StreamRecorder.read(a);
		StreamRecorder rb = StreamRecorder.read(b);
		StreamRecorder ro = StreamRecorder.read(other);
		StepVerifier.create(this.manager.send("news", EvMessage.of("news", "breaking")))
			.expectComplete()
			.verify(Duration.ofSeconds(1));
		assertThat(ra.data("news")).containsExactly("breaking");
		assertThat(rb.data("news")).containsExactly("breaking");
		assertThat(ro.events()).isEmpty();
	}

	@Test
	void sendShouldActWithoutSubscription() {
		EvStream a = this.manager.createStream();
		a.listen("news");
		StreamRecorder recorder = StreamRecorder.read(a);
		this.manager.send("news", EvMessage.of(Set.of(1)));
		assertThat(recorder.data("message")).containsExactly("[1]");
	}

	@Test
	void sendShouldGiveEachMessageAnIdThatAdvances() {
		EvStream a = this.manager.createStream();
		a.listen("news");
		StreamRecorder recorder = StreamRecorder.read(a);
		this.manager.send("news", EvMessage.of("one"));
		this.manager.send("news", EvMessage.of("two"));
		List<SseEvent> events = recorder.events("message");
		assertThat(events).extracting(SseEvent::id).doesNotContainNull().doesNotHaveDuplicates();
		assertThat(events.get(0).id()).matches("[0-9a-z]{1,7}\\.[0-9a-z]+");
	}

	@Test
	void sendWhenMessageHasIdShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.send("news", EvMessage.of("x").withId("1")))
			.withMessageContaining("leave the id of the message null");
	}

	@Test
	void sendWhenChannelIsInvalidShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.send("a b", EvMessage.of("x")))
			.withMessageContaining("is invalid");
	}

	@Test
	void sendWhenChannelCarriesStateShouldThrow() {
		EvStateManager states = Engines.states(this.manager);
		states.createStateBlocking("counter", 0);
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.send("counter", EvMessage.of("x")))
			.withMessage("Channel 'counter' carries a state; change it with EvState.set instead");
	}

	@Test
	void toShouldReachOnlyThatConnection() {
		EvStream a = this.manager.createStream();
		EvStream b = this.manager.createStream();
		StreamRecorder ra = StreamRecorder.read(a);
		StreamRecorder rb = StreamRecorder.read(b);
		StepVerifier.create(this.manager.to(a.id(), EvMessage.of("private", 1)))
			.expectComplete()
			.verify(Duration.ofSeconds(1));
		this.manager.to("nobody", EvMessage.of("private", 2));
		assertThat(ra.data("private")).containsExactly("1");
		assertThat(rb.events()).isEmpty();
	}

	@Test
	void connectionIdsShouldBeThePrefixThenDistinctEvenlySpread128BitValues() {
		// unguessable cannot be shown by a test; what can: every id carries 128 bits in
		// base64url after the prefix, none repeats, and no bit is stuck or biased
		EvStreamManager prefixed = Engines.streams().idPrefix("node1-").build();
		int count = 10_000;
		Set<String> ids = new java.util.HashSet<>();
		int[] ones = new int[128];
		for (int i = 0; i < count; i++) {
			EvStream stream = prefixed.createStream();
			String id = stream.id();
			stream.close();
			ids.add(id);
			assertThat(id).startsWith("node1-").matches("node1-[A-Za-z0-9_-]{22}");
			byte[] bytes = java.util.Base64.getUrlDecoder().decode(id.substring("node1-".length()));
			assertThat(bytes).hasSize(16);
			for (int bit = 0; bit < 128; bit++) {
				ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
			}
		}
		prefixed.close();
		assertThat(ids).hasSize(count);
		// a fair bit is set in 5,000 of 10,000 ids give or take 50 (one standard
		// deviation): outside 4,600..5,400 is eight of them, about 1e-15 per bit
		for (int bit = 0; bit < 128; bit++) {
			assertThat(ones[bit]).as("ids with bit %d set", bit).isBetween(4_600, 5_400);
		}
	}

	@Test
	void closeShouldSendEndThenComplete() {
		EvStream stream = this.manager.createStream();
		StreamRecorder recorder = StreamRecorder.read(stream);
		stream.message(EvMessage.of("hello", "hi"));
		stream.close();
		assertThat(recorder.events()).extracting(SseEvent::event).containsExactly("hello", "end");
		assertThat(recorder.text()).endsWith("event: end\ndata:\n\n");
		assertThat(recorder.isCompleted()).isTrue();
	}

	@Test
	void closeTwiceAndMessageAfterCloseShouldChangeNothing() {
		EvStream stream = this.manager.createStream();
		StreamRecorder recorder = StreamRecorder.read(stream);
		stream.close();
		stream.close();
		stream.message(EvMessage.of("late"));
		assertThat(recorder.events()).extracting(SseEvent::event).containsExactly("end");
		assertThat(stream.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> stream.listen("news")).withMessageContaining("is closed");
	}

	@Test
	void closeShouldRunCallbackOnceWithChannels() {
		EvStream stream = this.manager.createStream();
		stream.listen("a");
		stream.listen("b");
		List<Set<String>> calls = new CopyOnWriteArrayList<>();
		stream.onClose(calls::add);
		stream.close();
		stream.close();
		assertThat(calls).containsExactly(Set.of("a", "b"));
		assertThat(this.manager.listenerCount("a")).isZero();
		assertThat(this.manager.connectionCount()).isZero();
	}

	@Test
	void clientDisconnectShouldRunCallbackOnceAndFreeListeners() {
		EvStream stream = this.manager.createStream();
		stream.listen("a");
		List<Set<String>> calls = new CopyOnWriteArrayList<>();
		stream.onClose(calls::add);
		StreamRecorder recorder = StreamRecorder.read(stream);
		assertThat(this.manager.listenerCount("a")).isEqualTo(1);
		recorder.cancel();
		this.time.advanceTime();
		assertThat(calls).containsExactly(Set.of("a"));
		assertThat(this.manager.listenerCount("a")).isZero();
		assertThat(this.manager.connectionCount()).isZero();
		stream.close();
		assertThat(calls).hasSize(1);
	}

	@Test
	void onCloseAfterCloseShouldRunAtOnce() {
		EvStream stream = this.manager.createStream();
		stream.listen("a");
		stream.close();
		List<Set<String>> calls = new ArrayList<>();
		stream.onClose(calls::add);
		assertThat(calls).containsExactly(Set.of("a"));
	}

	@Test
	void unlistenShouldStopDeliveryAndFreeSlot() {
		EvStream stream = this.manager.createStream();
		stream.listen("news");
		StreamRecorder recorder = StreamRecorder.read(stream);
		stream.unlisten("news");
		stream.unlisten("news");
		this.manager.send("news", EvMessage.of("x"));
		assertThat(recorder.events()).isEmpty();
		assertThat(this.manager.listenerCount("news")).isZero();
	}

	@Test
	void channelsShouldKeepTheirOrderAndIdsFromOneToSeveralAndBack() {
		EvStream stream = this.manager.createStream();
		stream.listen("a");
		stream.listen("b");
		stream.listen("c");
		stream.unlisten("b");
		stream.unlisten("a");
		stream.listen("d");
		stream.listen("a");
		stream.listen("a");
		assertThat(stream.channels()).containsExactly("c", "d", "a");
		StreamRecorder recorder = StreamRecorder.read(stream);
		this.manager.send("c", EvMessage.of("1"));
		this.manager.send("a", EvMessage.of("2"));
		assertThat(recorder.events("message")).last()
			.extracting(SseEvent::id)
			.asString()
			.matches(EventIds.token("c") + "\\.[0-9a-z]+_" + EventIds.token("d") + "\\.[0-9a-z]+_" + EventIds.token("a")
					+ "\\.[0-9a-z]+");
		stream.unlisten("d");
		stream.unlisten("a");
		assertThat(stream.channels()).containsExactly("c");
		this.manager.send("a", EvMessage.of("not listened to"));
		this.manager.send("c", EvMessage.of("3"));
		assertThat(recorder.data("message")).containsExactly("1", "2", "3");
		assertThat(recorder.events("message")).last()
			.extracting(SseEvent::id)
			.asString()
			.matches(EventIds.token("c") + "\\.[0-9a-z]+");
		List<Set<String>> calls = new ArrayList<>();
		stream.onClose(calls::add);
		stream.close();
		assertThat(calls).containsExactly(Set.of("c"));
	}

	@Test
	void heartbeatShouldBeSentEveryIntervalOnVirtualTime() {
		EvStream stream = this.manager.createStream();
		StreamRecorder recorder = StreamRecorder.read(stream);
		this.time.advanceTimeBy(Duration.ofSeconds(14));
		assertThat(recorder.events("heartbeat")).isEmpty();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(recorder.events("heartbeat")).singleElement().extracting(SseEvent::data).isEqualTo("");
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(recorder.events("heartbeat")).hasSize(3);
		assertThat(recorder.text()).contains("event: heartbeat\ndata:\n\n");
	}

	@Test
	void slowClientShouldBeClosedWhenItsBufferOverflows() {
		EvStreamManager small = Engines.streams().bufferSize(4).scheduler(this.time).build();
		EvStream slow = small.createStream();
		slow.listen("feed");
		List<Set<String>> calls = new CopyOnWriteArrayList<>();
		slow.onClose(calls::add);
		StreamRecorder recorder = StreamRecorder.stalled(slow);
		EvStream fast = small.createStream();
		fast.listen("feed");
		StreamRecorder fastRecorder = StreamRecorder.read(fast);
		for (int i = 0; i < 10; i++) {
			small.send("feed", EvMessage.of(i));
		}
		this.time.advanceTime();
		assertThat(slow.isClosed()).isTrue();
		assertThat(calls).containsExactly(Set.of("feed"));
		assertThat(small.listenerCount("feed")).isEqualTo(1);
		assertThat(fastRecorder.data("message")).hasSize(10);
		recorder.request(1);
		assertThat(recorder.events()).extracting(SseEvent::event).containsExactly("end");
		assertThat(recorder.isCompleted()).isTrue();
		small.close();
	}

	@Test
	void closedClientThatStopsReadingShouldBeAbortedAfterTimeout() {
		EvStream stream = this.manager.createStream();
		StreamRecorder recorder = StreamRecorder.stalled(stream);
		stream.close();
		this.time.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(recorder.error()).isInstanceOf(EvSlowConsumerException.class).hasMessageContaining(stream.id());
	}

	@Test
	void outputShouldAllowOneSubscriber() {
		EvStream stream = this.manager.createStream();
		StreamRecorder.read(stream);
		StepVerifier.create(stream.output())
			.expectErrorMessage("The output of stream " + stream.id() + " allows one subscriber")
			.verify(Duration.ofSeconds(1));
	}

	@Test
	void closeManagerShouldEndEveryStreamAndRefuseNewOnes() {
		EvStream stream = this.manager.createStream();
		StreamRecorder recorder = StreamRecorder.read(stream);
		this.manager.close();
		assertThat(recorder.events()).extracting(SseEvent::event).containsExactly("end");
		assertThatExceptionOfType(EvShutdownException.class).isThrownBy(this.manager::createStream);
	}

}
