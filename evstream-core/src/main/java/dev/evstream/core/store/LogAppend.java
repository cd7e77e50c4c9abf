package dev.evstream.core.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An event appended to a log by {@link LogStore#append} only if the log is still at the
 * sequence the event was validated against.
 *
 * @param name the log's name, which is also its channel and the event name of its
 * messages
 * @param expectedSequence the head sequence the event was validated at; the event gets
 * the next one
 * @param state the state after the event, as JSON text
 * @param event the event as JSON text, kept in the log's history
 * @param message the data of the message appended to the log's channel
 * @param eventId the id the client gave the event, or {@code null}; an event id appended
 * before, within {@link StateStore#OPERATION_RETENTION}, is not appended again
 * @param compactAbove the most events kept after the base: when an append leaves more,
 * the log is compacted to its new head (the state after this event, and no events);
 * {@code 0} to keep every event
 * @since 0.1.0
 */
public record LogAppend(String name, long expectedSequence, String state, String event, String message,
		@Nullable String eventId, int compactAbove) {

	/**
	 * Creates an append, checking its fields.
	 * @param name the log
	 * @param expectedSequence the expected head sequence
	 * @param state the state after the event
	 * @param event the event
	 * @param message the channel message
	 * @param eventId the client's event id, or {@code null}
	 * @param compactAbove the compaction threshold, {@code 0} for none
	 */
	public LogAppend {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(state, "'state' must not be null");
		Objects.requireNonNull(event, "'event' must not be null");
		Objects.requireNonNull(message, "'message' must not be null");
		if (expectedSequence < 0 || compactAbove < 0) {
			throw new IllegalArgumentException("Expected sequence and compaction threshold must not be negative");
		}
	}

}
