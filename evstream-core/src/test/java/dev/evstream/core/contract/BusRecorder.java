package dev.evstream.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;

/**
 * Records the events a bus delivers.
 */
public final class BusRecorder implements BusListener {

	private final List<BusEvent> events = new ArrayList<>();

	@Override
	public synchronized void onEvent(BusEvent event) {
		this.events.add(event);
		notifyAll();
	}

	public synchronized List<BusEvent> events() {
		return List.copyOf(this.events);
	}

	public synchronized <T extends BusEvent> List<T> events(Class<T> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * Waits until the events satisfy a condition: buses of real backends deliver on their
	 * own threads.
	 */
	public synchronized List<BusEvent> await(Predicate<List<BusEvent>> condition, Duration timeout) {
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
