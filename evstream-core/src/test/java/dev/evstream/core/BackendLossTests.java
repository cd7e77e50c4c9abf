package dev.evstream.core;

import dev.evstream.core.memory.InMemoryBackend;
import java.time.Duration;

import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.bus.EventBus;
import dev.evstream.test.SseEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the shared backend loses its data, a listener is never left believing it missed
 * nothing: channels that had a sequence find it gone and reset; channels that had none
 * cannot tell whether one was created and lost unseen, and reset too.
 */
class BackendLossTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final LossyBus bus = new LossyBus();

	private final EvStreamManager manager = Engines.streams()
		.backend(Engines.backend(this.bus, this.bus.delegate.stateStore(), this.bus.delegate.channelHistory()))
		.build();

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void dataLostShouldResetListenersOfChannelsThatHadNoSequence() {
		StreamRecorder quiet = connect("quiet");
		this.bus.loseData();
		assertThat(quiet.await((events) -> events.stream().anyMatch((event) -> event.event().equals("reset")), TIMEOUT))
			.filteredOn((event) -> event.event().equals("reset"))
			.extracting(SseEvent::data)
			.containsExactly("{\"channel\":\"quiet\",\"reason\":\"out-of-history\"}");
	}

	@Test
	void dataLostShouldLeaveChannelsWithASequenceToTheirResync() {
		this.manager.send("busy", EvMessage.of("news", "before")).block(TIMEOUT);
		StreamRecorder busy = connect("busy");
		this.manager.send("busy", EvMessage.of("news", "after")).block(TIMEOUT);
		busy.await((events) -> events.stream().anyMatch((event) -> event.data().equals("after")), TIMEOUT);
		this.bus.loseData();
		assertThat(busy.events("reset")).isEmpty();
	}

	private StreamRecorder connect(String channel) {
		EvStream stream = this.manager.connect(EvConnectRequest.of(channel)).block(TIMEOUT);
		StreamRecorder recorder = StreamRecorder.read(stream);
		recorder.await((events) -> !events.isEmpty(), TIMEOUT);
		return recorder;
	}

	/**
	 * The in-memory bus, with a way to say that the backend lost its data, as the Redis
	 * bus does when Redis comes back empty.
	 */
	private static final class LossyBus implements EventBus {

		final InMemoryBackend delegate = new InMemoryBackend();

		private @Nullable BusListener listener;

		@Override
		public Mono<Void> publish(BusEvent event) {
			return this.delegate.bus().publish(event);
		}

		@Override
		public Disposable subscribe(BusListener listener) {
			this.listener = listener;
			return this.delegate.bus().subscribe(listener);
		}

		void loseData() {
			this.listener.onDataLost();
		}

	}

}
