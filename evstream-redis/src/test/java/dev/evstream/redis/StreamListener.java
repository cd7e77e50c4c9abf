package dev.evstream.redis;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import dev.evstream.core.EvStream;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseRecording;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Reads a stream's output as the endpoint writes it, and parses it as a browser, for the
 * tests of replicas that listen without HTTP.
 */
final class StreamListener extends BaseSubscriber<List<byte[]>> {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final EvStream stream;

	private final SseRecording recording = new SseRecording();

	private StreamListener(EvStream stream) {
		this.stream = stream;
	}

	static StreamListener of(EvStream stream) {
		StreamListener listener = new StreamListener(stream);
		stream.output().subscribe(listener);
		return listener;
	}

	EvStream stream() {
		return this.stream;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	protected void hookOnNext(List<byte[]> batch) {
		batch.forEach(this.recording::feed);
	}

	List<SseEvent> events(String type) {
		return this.recording.events(type);
	}

	String lastEventId() {
		return this.recording.lastEventId();
	}

	List<SseEvent> await(Predicate<List<SseEvent>> condition) {
		return this.recording.await(condition, TIMEOUT);
	}

}
