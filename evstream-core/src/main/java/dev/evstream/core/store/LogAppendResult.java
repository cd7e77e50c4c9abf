package dev.evstream.core.store;

import java.util.Objects;

/**
 * The outcome of {@link LogStore#append}.
 *
 * @param outcome what happened
 * @param head the log's head after the call
 * @param sequence the sequence of the event: the new one when {@code APPENDED}, the one
 * the earlier event with the same id got when {@code REPEATED}, else {@code 0}
 * @since 0.1.0
 */
public record LogAppendResult(Outcome outcome, LogHead head, long sequence) {

	/**
	 * Creates a result.
	 * @param outcome the outcome
	 * @param head the head
	 * @param sequence the event's sequence
	 */
	public LogAppendResult {
		Objects.requireNonNull(outcome, "'outcome' must not be null");
		Objects.requireNonNull(head, "'head' must not be null");
	}

	/**
	 * What an append did.
	 */
	public enum Outcome {

		/**
		 * Appended, with its channel message appended and published.
		 */
		APPENDED,

		/**
		 * Not appended: the log moved past the expected sequence.
		 */
		CONFLICT,

		/**
		 * Not appended: an event with the same id was appended before.
		 */
		REPEATED

	}

}
