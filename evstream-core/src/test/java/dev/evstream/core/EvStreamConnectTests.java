package dev.evstream.core;

import java.time.Duration;
import java.util.List;

import dev.evstream.test.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class EvStreamConnectTests {

	private final EvStreamManager manager = Engines.streams().retry(Duration.ofMillis(1500)).build();

	private final EvStateManager states = Engines.states(this.manager);

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void connectShouldSendRetryThenConnectedThenSnapshot() {
		this.states.createStateBlocking("counter", 41).set((n) -> n + 1);
		EvStream stream = this.manager.connect(EvConnectRequest.of("counter", "chat")).block(Duration.ofSeconds(1));
		StreamRecorder recorder = StreamRecorder.read(stream);
		List<SseEvent> events = recorder.events();
		assertThat(recorder.text()).startsWith("retry: 1500\n\n");
		assertThat(events).extracting(SseEvent::event).containsExactly("connected", "counter");
		assertThat(events.get(0).data()).isEqualTo(
				"{\"connectionId\":\"" + stream.id() + "\",\"channels\":[\"counter\",\"chat\"],\"heartbeat\":15000}");
		assertThat(events.get(0).id()).isNotNull();
		assertThat(events.get(1).data()).isEqualTo("{\"value\":42,\"version\":2}");
		assertThat(events.get(1).id()).isEqualTo(events.get(0).id());
	}

	@Test
	void connectShouldIgnoreRepeatedChannels() {
		EvStream stream = this.manager.connect(EvConnectRequest.of("a", "a", "b")).block(Duration.ofSeconds(1));
		assertThat(stream.channels()).containsExactly("a", "b");
	}

	@Test
	void connectWithoutChannelShouldFail() {
		StepVerifier.create(this.manager.connect(EvConnectRequest.of()))
			.expectErrorMessage("At least one channel is required")
			.verify(Duration.ofSeconds(1));
		assertThat(this.manager.connectionCount()).isZero();
	}

	@Test
	void connectWithInvalidChannelShouldFailBeforeOpening() {
		StepVerifier.create(this.manager.connect(EvConnectRequest.of("ok", "not ok")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'not ok' is invalid"))
			.verify(Duration.ofSeconds(1));
		assertThat(this.manager.connectionCount()).isZero();
		assertThat(this.manager.listenerCount("ok")).isZero();
	}

	@Test
	void connectWithTooManyChannelsShouldFail() {
		EvStreamManager few = Engines.streams().maxChannelsPerConnection(2).build();
		StepVerifier.create(few.connect(EvConnectRequest.of("a", "b", "c")))
			.expectErrorMessage("At most 2 channels may be listened to on one connection, but 3 were asked for")
			.verify(Duration.ofSeconds(1));
		few.close();
	}

	@Test
	void connectWhenListenerLimitReachedShouldFailAndReleaseEverything() {
		EvStreamManager limited = Engines.streams().maxListeners(1).build();
		limited.connect(EvConnectRequest.of("b")).block(Duration.ofSeconds(1));
		StepVerifier.create(limited.connect(EvConnectRequest.of("a", "b")))
			.expectError(EvMaxListenersException.class)
			.verify(Duration.ofSeconds(1));
		assertThat(limited.connectionCount()).isEqualTo(1);
		assertThat(limited.listenerCount("a")).isZero();
		limited.close();
	}

	@Test
	void idOfMultiChannelStreamShouldCarryEveryChannel() {
		EvStream stream = this.manager.connect(EvConnectRequest.of("a", "b")).block(Duration.ofSeconds(1));
		StreamRecorder recorder = StreamRecorder.read(stream);
		this.manager.send("a", EvMessage.of("x"));
		this.manager.send("b", EvMessage.of("y"));
		List<SseEvent> messages = recorder.events("message");
		assertThat(messages).hasSize(2);
		assertThat(messages.get(1).id()).matches("[0-9a-z]+\\.[0-9a-z]+_[0-9a-z]+\\.[0-9a-z]+");
		assertThat(messages.get(1).id()).isNotEqualTo(messages.get(0).id());
	}

}
