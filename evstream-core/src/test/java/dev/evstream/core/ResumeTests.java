package dev.evstream.core;

import dev.evstream.core.memory.InMemoryBackend;
import java.time.Duration;
import java.util.List;

import dev.evstream.test.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResumeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int HISTORY = 5;

	private final EvStreamManager manager = Engines.streams().backend(backend()).build();

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void resumeWithinTheWindowShouldReplayExactlyTheMissedMessages() {
		StreamRecorder first = connect(null, "news");
		send("news", "m1", "m2");
		assertThat(first.data("message")).containsExactly("m1", "m2");
		String lastEventId = first.lastEventId();
		first.cancel();
		send("news", "m3", "m4");
		StreamRecorder second = connect(lastEventId, "news");
		send("news", "m5");
		assertThat(second.events()).extracting(SseEvent::event)
			.containsExactly("connected", "message", "message", "message");
		assertThat(second.data("message")).containsExactly("m3", "m4", "m5");
	}

	@Test
	void idOfTheConnectedEventShouldResumeBeforeAnyMessage() {
		StreamRecorder first = connect(null, "news");
		String lastEventId = first.lastEventId();
		assertThat(lastEventId).isNotEmpty();
		first.cancel();
		send("news", "while away");
		StreamRecorder second = connect(lastEventId, "news");
		assertThat(second.data("message")).containsExactly("while away");
	}

	@Test
	void oneIdShouldResumeEveryChannel() {
		StreamRecorder first = connect(null, "a", "b");
		send("a", "a1");
		send("b", "b1");
		String lastEventId = first.lastEventId();
		first.cancel();
		send("a", "a2");
		send("b", "b2");
		send("a", "a3");
		StreamRecorder second = connect(lastEventId, "a", "b");
		send("b", "b3");
		assertThat(second.data("message")).containsSubsequence("a2", "a3").containsSubsequence("b2", "b3").hasSize(4);
		assertThat(second.events("reset")).isEmpty();
	}

	@Test
	void resumeBeyondTheWindowShouldResetTheChannel() {
		StreamRecorder first = connect(null, "busy", "calm");
		send("busy", "m0");
		String lastEventId = first.lastEventId();
		first.cancel();
		for (int i = 1; i <= HISTORY * 2; i++) {
			send("busy", "m" + i);
		}
		send("calm", "c1");
		StreamRecorder second = connect(lastEventId, "busy", "calm");
		assertThat(second.events("reset")).singleElement()
			.extracting(SseEvent::data)
			.isEqualTo("{\"channel\":\"busy\",\"reason\":\"out-of-history\"}");
		assertThat(second.data("message")).containsExactly("c1");
		send("busy", "live");
		assertThat(second.data("message")).containsExactly("c1", "live");
		String afterReset = second.lastEventId();
		second.cancel();
		StreamRecorder third = connect(afterReset, "busy", "calm");
		assertThat(third.events("reset")).isEmpty();
		assertThat(third.data("message")).isEmpty();
	}

	@Test
	void unreadableIdShouldResetEveryChannelAndStillStream() {
		EvStateManager states = Engines.states(this.manager);
		states.createStateBlocking("score", 3);
		for (String garbage : List.of("garbage", "zz.zz_zz", "a.b.c", "x".repeat(2000), "-1.-1")) {
			StreamRecorder recorder = connect(garbage, "news", "score");
			assertThat(recorder.events("reset")).extracting(SseEvent::data)
				.containsExactly("{\"channel\":\"news\",\"reason\":\"invalid-id\"}",
						"{\"channel\":\"score\",\"reason\":\"invalid-id\"}");
			assertThat(recorder.data("score")).containsExactly("{\"value\":3,\"version\":1}");
			send("news", "after " + garbage.length());
			assertThat(recorder.data("message")).containsExactly("after " + garbage.length());
			recorder.cancel();
		}
	}

	@Test
	void idOfAnotherLifeOfTheHistoryShouldReset() {
		StreamRecorder first = connect(null, "news");
		send("news", "m1");
		String lastEventId = first.lastEventId();
		EvStreamManager restarted = Engines.streams().backend(backend()).build();
		EvStream stream = restarted.connect(EvConnectRequest.of("news").resumingFrom(lastEventId)).block(TIMEOUT);
		StreamRecorder second = StreamRecorder.read(stream);
		assertThat(second.events("reset")).singleElement()
			.extracting(SseEvent::data)
			.isEqualTo("{\"channel\":\"news\",\"reason\":\"out-of-history\"}");
		restarted.close();
	}

	@Test
	void stateShouldBeSentAgainOnResume() {
		EvStateManager states = Engines.states(this.manager);
		EvState<Integer> score = states.createStateBlocking("score", 1);
		StreamRecorder first = connect(null, "score");
		String lastEventId = first.lastEventId();
		first.cancel();
		score.set(2);
		StreamRecorder second = connect(lastEventId, "score");
		assertThat(second.data("score")).containsExactly("{\"value\":2,\"version\":2}");
		assertThat(second.events("reset")).isEmpty();
	}

	@Test
	void channelAddedOnReconnectShouldStartFresh() {
		StreamRecorder first = connect(null, "a");
		send("a", "a1");
		String lastEventId = first.lastEventId();
		first.cancel();
		send("b", "before");
		StreamRecorder second = connect(lastEventId, "a", "b");
		send("b", "after");
		assertThat(second.data("message")).containsExactly("after");
		assertThat(second.events("reset")).isEmpty();
	}

	@Test
	void lastEventIdShouldKeepItsPositionsAcrossDirectMessages() {
		StreamRecorder first = connect(null, "news");
		send("news", "m1");
		String afterMessage = first.lastEventId();
		EvStream stream = this.manager.connect(EvConnectRequest.of("other")).block(TIMEOUT);
		this.manager.to(stream.id(), EvMessage.of("note", "direct"));
		assertThat(first.lastEventId()).isEqualTo(afterMessage);
	}

	private StreamRecorder connect(String lastEventId, String... channels) {
		EvStream stream = this.manager.connect(EvConnectRequest.of(channels).resumingFrom(lastEventId)).block(TIMEOUT);
		return StreamRecorder.read(stream);
	}

	private void send(String channel, String... messages) {
		for (String message : messages) {
			this.manager.send(channel, EvMessage.of(message)).block(TIMEOUT);
		}
	}

	private static InMemoryBackend backend() {
		return InMemoryBackend.builder().historySize(HISTORY).build();
	}

}
