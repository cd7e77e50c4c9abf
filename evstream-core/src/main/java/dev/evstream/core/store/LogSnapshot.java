package dev.evstream.core.store;

import java.util.List;
import java.util.Objects;

/**
 * An event log's history as a joining listener receives it, read in one atomic step with
 * the position of the log's channel: the state at a base sequence (the log's start, or
 * the sequence it was last compacted at) and every event after it.
 *
 * @param channelSequence the sequence of the channel's latest message when the log was
 * read, or {@link dev.evstream.core.history.ChannelHistory#NO_SEQUENCE}
 * @param base the state at the base sequence ({@link LogHead#EMPTY} for a log never
 * compacted)
 * @param events the events after the base, oldest first, as the JSON text they were
 * appended with
 * @since 0.1.0
 */
public record LogSnapshot(long channelSequence, LogHead base, List<String> events) {

	/**
	 * Creates a snapshot, copying the events.
	 * @param channelSequence the channel's sequence
	 * @param base the base
	 * @param events the events after it
	 */
	public LogSnapshot {
		Objects.requireNonNull(base, "'base' must not be null");
		events = List.copyOf(events);
	}

}
