package dev.evstream.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The events of a stream as a browser parses them, recorded for a test that reads them
 * while another thread feeds the bytes: a test waits for a condition on them rather than
 * for a time.
 *
 * @since 0.1.0
 */
public final class SseRecording {

	private final List<SseEvent> events = new ArrayList<>();

	private final SseParser parser = new SseParser(this.events::add);

	/**
	 * Parses bytes of the stream and wakes the tests that wait.
	 * @param chunk the bytes, in the order they arrived
	 */
	public synchronized void feed(byte[] chunk) {
		this.parser.feed(chunk);
		notifyAll();
	}

	/**
	 * Returns the events so far.
	 * @return a copy of the events
	 */
	public synchronized List<SseEvent> events() {
		return List.copyOf(this.events);
	}

	/**
	 * Returns the events of one type so far.
	 * @param type the event type
	 * @return the events of that type
	 */
	public synchronized List<SseEvent> events(String type) {
		return this.events.stream().filter((event) -> event.event().equals(type)).toList();
	}

	/**
	 * Returns the data of the events of one type so far.
	 * @param type the event type
	 * @return their data
	 */
	public synchronized List<String> data(String type) {
		return events(type).stream().map(SseEvent::data).toList();
	}

	/**
	 * Returns the last event id, as a browser would send it on reconnection.
	 * @return the last event id
	 */
	public synchronized String lastEventId() {
		return this.parser.lastEventId();
	}

	/**
	 * Waits until the events meet a condition.
	 * @param condition the condition
	 * @param timeout how long to wait at most
	 * @return the events then
	 * @throws AssertionError if the condition is not met in time
	 */
	public synchronized List<SseEvent> await(Predicate<List<SseEvent>> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.test(this.events)) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new AssertionError("Condition not met within " + timeout + "; events: " + this.events);
			}
			try {
				wait(Math.max(1, left / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
		return List.copyOf(this.events);
	}

}
