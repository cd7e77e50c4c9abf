package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The authoritative event logs, shared by all instances: each log has a head (the
 * sequence of its latest event and the state derived up to it), which only moves by
 * compare-and-set, and its events since a base.
 * <p>
 * A log's channel is its name. Every append also appends its message to that channel's
 * {@link dev.evstream.core.history.ChannelHistory history} and publishes it <em>in the
 * same atomic step</em>, so that events reach every instance and client in log order, and
 * a {@link #snapshot} names exactly the messages it already includes. A store
 * implementation therefore shares its backend's channel history, and nothing else may
 * append to a log's channel.
 * <p>
 * All methods are cold, signal on the thread of the backend (the caller's for the
 * in-memory store), and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface LogStore {

	/**
	 * Returns the longest a call waits for the backend before it fails.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Reads a log's head.
	 * @param name the log
	 * @return the head, {@link LogHead#EMPTY} for a log without events
	 */
	Mono<LogHead> head(String name);

	/**
	 * Reads a log's base and the events after it, and the position of its channel,
	 * atomically.
	 * @param name the log
	 * @return the snapshot
	 */
	Mono<LogSnapshot> snapshot(String name);

	/**
	 * Returns the sequence an event with a client's event id got, so that a retried event
	 * is answered before it is validated again against a state it already changed.
	 * @param name the log
	 * @param eventId the event id
	 * @return the sequence, or empty if no event with the id was appended within
	 * {@link StateStore#OPERATION_RETENTION}
	 */
	Mono<Long> sequenceOf(String name, String eventId);

	/**
	 * Appends an event if the log's head is at the expected sequence: moves the head to
	 * the next sequence with the new state, keeps the event, compacts if the append
	 * leaves more events than allowed, and appends the message to the log's channel, in
	 * one atomic step.
	 * @param append the append
	 * @return the outcome
	 */
	Mono<LogAppendResult> append(LogAppend append);

}
