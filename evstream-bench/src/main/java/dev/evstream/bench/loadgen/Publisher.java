package dev.evstream.bench.loadgen;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes the measured and the warm-up messages of a run, one way or another: see
 * {@link OpenLoopPublisher} ({@code burst}), {@link PacedPublisher} ({@code paced}) and
 * {@link TimerPublisher} ({@code timer}).
 *
 * @since 0.1.0
 */
interface Publisher {

	/**
	 * Publishes messages at a fixed rate.
	 * @param count the number of messages
	 * @param rate the messages per second
	 * @param measured whether they are in the measured window
	 * @param first the sequence number of the first
	 * @return the outcome, once every message is answered or failed
	 */
	CompletableFuture<PublishOutcome> run(int count, double rate, boolean measured, long first);

	/**
	 * Returns how many connections to the server the publisher used at most.
	 * @return the connections
	 */
	int connections();

	/**
	 * Closes the publisher's connections.
	 */
	void close();

	/**
	 * Makes the body of a message at the moment it is sent, so that the time in it is the
	 * real send time.
	 */
	@FunctionalInterface
	interface Bodies {

		/**
		 * Makes a body.
		 * @param measured whether the message is in the measured window
		 * @param sequence its sequence number
		 * @return the payload
		 */
		byte[] body(boolean measured, long sequence);

	}

}
