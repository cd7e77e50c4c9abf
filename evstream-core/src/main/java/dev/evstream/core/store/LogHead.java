package dev.evstream.core.store;

import org.jspecify.annotations.Nullable;

/**
 * Where an event log stands: the sequence of its latest event and the state derived from
 * every event up to it.
 *
 * @param sequence the sequence of the latest event, {@code 0} for a log without events
 * @param state the state after that event as JSON text, or {@code null} for a log without
 * events (its state is the model's initial one)
 * @since 0.1.0
 */
public record LogHead(long sequence, @Nullable String state) {

	/**
	 * The head of a log without events.
	 */
	public static final LogHead EMPTY = new LogHead(0, null);

	/**
	 * Creates a head, checking it.
	 * @param sequence the sequence, not negative
	 * @param state the state, {@code null} only at sequence {@code 0}
	 */
	public LogHead {
		if (sequence < 0 || (sequence > 0 && state == null)) {
			throw new IllegalArgumentException("A log head at sequence " + sequence + " needs a state");
		}
	}

}
