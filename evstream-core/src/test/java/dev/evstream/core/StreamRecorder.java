package dev.evstream.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseRecording;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Reads an {@link EvStream}'s output the way the HTTP layer does, and parses the bytes
 * like a browser.
 */
final class StreamRecorder extends BaseSubscriber<List<byte[]>> {

	private final boolean unbounded;

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final SseRecording recording = new SseRecording();

	private int batches;

	private boolean completed;

	private @Nullable Throwable error;

	private StreamRecorder(boolean unbounded) {
		this.unbounded = unbounded;
	}

	static StreamRecorder read(EvStream stream) {
		StreamRecorder recorder = new StreamRecorder(true);
		stream.output().subscribe(recorder);
		return recorder;
	}

	/**
	 * Subscribes without asking for anything: a client that does not read.
	 */
	static StreamRecorder stalled(EvStream stream) {
		StreamRecorder recorder = new StreamRecorder(false);
		stream.output().subscribe(recorder);
		return recorder;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		if (this.unbounded) {
			subscription.request(Long.MAX_VALUE);
		}
	}

	@Override
	protected synchronized void hookOnNext(List<byte[]> batch) {
		this.batches++;
		for (byte[] chunk : batch) {
			this.bytes.write(chunk, 0, chunk.length);
			this.recording.feed(chunk);
		}
	}

	@Override
	protected synchronized void hookOnComplete() {
		this.completed = true;
	}

	@Override
	protected synchronized void hookOnError(Throwable throwable) {
		this.error = throwable;
	}

	List<SseEvent> events() {
		return this.recording.events();
	}

	List<SseEvent> events(String type) {
		return this.recording.events(type);
	}

	List<String> data(String type) {
		return this.recording.data(type);
	}

	synchronized String text() {
		return this.bytes.toString(StandardCharsets.UTF_8);
	}

	synchronized int batches() {
		return this.batches;
	}

	synchronized boolean isCompleted() {
		return this.completed;
	}

	synchronized @Nullable Throwable error() {
		return this.error;
	}

	String lastEventId() {
		return this.recording.lastEventId();
	}

	/**
	 * Waits for a condition on the events, for streams fed from other threads.
	 */
	List<SseEvent> await(Predicate<List<SseEvent>> condition, Duration timeout) {
		return this.recording.await(condition, timeout);
	}

}
