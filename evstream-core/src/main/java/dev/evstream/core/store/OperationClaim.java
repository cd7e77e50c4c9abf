package dev.evstream.core.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What {@link OperationStore#claim claiming} an operation id found.
 *
 * @param status whether the id was free, held or done
 * @param outcome the outcome of the write that completed the id, only when
 * {@link Status#COMPLETED}
 * @since 0.1.0
 */
public record OperationClaim(Status status, @Nullable String outcome) {

	/**
	 * The caller now holds the id and runs the write.
	 */
	public static final OperationClaim CLAIMED = new OperationClaim(Status.CLAIMED, null);

	/**
	 * Another caller holds the id and its write is still running.
	 */
	public static final OperationClaim RUNNING = new OperationClaim(Status.RUNNING, null);

	/**
	 * Checks that an outcome comes with, and only with, a completed claim.
	 * @param status the status
	 * @param outcome the outcome
	 */
	public OperationClaim {
		Objects.requireNonNull(status, "'status' must not be null");
		if ((status == Status.COMPLETED) != (outcome != null)) {
			throw new IllegalArgumentException("Only a completed claim has an outcome");
		}
	}

	/**
	 * Returns the claim of an id whose write completed.
	 * @param outcome the outcome of the write
	 * @return the claim
	 */
	public static OperationClaim completed(String outcome) {
		return new OperationClaim(Status.COMPLETED, Objects.requireNonNull(outcome, "'outcome' must not be null"));
	}

	/**
	 * Whether an id was free, held or done.
	 */
	public enum Status {

		/**
		 * The id was free and is now held by the caller.
		 */
		CLAIMED,

		/**
		 * Another caller holds the id.
		 */
		RUNNING,

		/**
		 * A write with the id completed.
		 */
		COMPLETED

	}

}
