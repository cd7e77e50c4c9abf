package dev.evstream.test;

/**
 * Receives what an {@link SseParser} made with {@link SseParser#withListener} dispatches,
 * on the thread that feeds it.
 *
 * @since 0.1.0
 */
public interface SseListener {

	/**
	 * Called for each dispatched event. The event is a view that is only valid during the
	 * call: the parser reuses its buffers for the next one.
	 * @param event the event
	 */
	void onEvent(SseEventView event);

	/**
	 * Called for each valid {@code retry} field.
	 * @param millis the reconnection time
	 */
	default void onRetry(long millis) {
	}

	/**
	 * Called for each comment line.
	 * @param comment the text after the colon
	 */
	default void onComment(String comment) {
	}

}
