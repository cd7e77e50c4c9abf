package dev.evstream.core.metrics;

/**
 * Receives what the engine counts: connections, messages, dropped and coalesced events,
 * state updates, bus reconnections and resumes. The starter records them with Micrometer;
 * without it they are ignored.
 * <p>
 * Methods are called on hot paths, from any thread: they must be cheap, thread-safe and
 * never block. Channel names are given so that an implementation may tag by channel; a
 * default one should not, since channels are unbounded.
 *
 * @since 0.1.0
 */
public interface StreamMetrics {

	/**
	 * Metrics that record nothing.
	 */
	StreamMetrics NONE = new StreamMetrics() {
	};

	/**
	 * A connection was opened.
	 */
	default void connectionOpened() {
	}

	/**
	 * A connection was closed, by either side.
	 */
	default void connectionClosed() {
	}

	/**
	 * A stream was opened but nothing started writing it within the claim timeout (its
	 * request was abandoned), so it was closed.
	 */
	default void connectionUnclaimed() {
	}

	/**
	 * A connection was refused before any byte was streamed.
	 * @param reason why
	 */
	default void connectionRejected(Rejection reason) {
	}

	/**
	 * A message was accepted for a channel.
	 * @param channel the channel
	 */
	default void messagePublished(String channel) {
	}

	/**
	 * A message or state version was handed to listeners of a channel on this instance.
	 * @param channel the channel
	 * @param listeners how many listeners received it
	 */
	default void delivered(String channel, int listeners) {
	}

	/**
	 * Events waiting for a connection were dropped.
	 * @param reason why
	 * @param events how many
	 */
	default void dropped(Drop reason, int events) {
	}

	/**
	 * An unsent state version was replaced by a newer one for a slow connection.
	 * @param channel the state's channel
	 */
	default void coalesced(String channel) {
	}

	/**
	 * A compare-and-set of a state ended.
	 * @param outcome how it ended
	 * @param nanos how long it took
	 */
	default void stateUpdated(UpdateOutcome outcome, long nanos) {
	}

	/**
	 * The bus reconnected, or found it missed events, and this instance caught up.
	 */
	default void busResynced() {
	}

	/**
	 * A channel of a reconnecting client was resumed.
	 * @param outcome whether the missed messages were replayed or the client was reset
	 */
	default void resumed(ResumeOutcome outcome) {
	}

	/**
	 * A trigger the application registered (such as a collection's {@code onChange})
	 * threw. The change it was told of stands.
	 * @param model the kind of model whose trigger failed, such as {@code collection}
	 */
	default void triggerFailed(String model) {
	}

	/**
	 * Why a connection was refused.
	 */
	enum Rejection {

		/**
		 * The connection limit was reached.
		 */
		MAX_CONNECTIONS,

		/**
		 * A channel's listener limit was reached.
		 */
		MAX_LISTENERS,

		/**
		 * The instance's limit of channels in use was reached.
		 */
		MAX_CHANNELS,

		/**
		 * The instance is shutting down.
		 */
		SHUTDOWN,

		/**
		 * The request was invalid (channels, token sent twice).
		 */
		BAD_REQUEST,

		/**
		 * The token was missing or rejected.
		 */
		UNAUTHORIZED,

		/**
		 * A channel was not allowed to the principal.
		 */
		FORBIDDEN,

		/**
		 * The server already had as many connections without a stream as allowed: the new
		 * one was closed before its request was read.
		 */
		MAX_PENDING_CONNECTIONS,

		/**
		 * The request head did not arrive in time: the connection was closed.
		 */
		REQUEST_TIMEOUT

	}

	/**
	 * Why events were dropped.
	 */
	enum Drop {

		/**
		 * A connection's queue overflowed: the connection is closed and its client
		 * resumes from history.
		 */
		OVERFLOW,

		/**
		 * A closed connection did not write its last events in time and was aborted.
		 */
		STALLED

	}

	/**
	 * How a compare-and-set of a state ended.
	 */
	enum UpdateOutcome {

		/**
		 * The value was written.
		 */
		SUCCESS,

		/**
		 * Another writer won; the update is retried on its value.
		 */
		CONFLICT,

		/**
		 * The store failed or the state was removed.
		 */
		ERROR

	}

	/**
	 * How a resumed channel was served.
	 */
	enum ResumeOutcome {

		/**
		 * The missed messages were replayed.
		 */
		REPLAYED,

		/**
		 * The client was sent a {@code reset}.
		 */
		RESET

	}

}
