package dev.evstream.core.bus;

/**
 * Receives the events of an {@link EventBus}.
 *
 * @since 0.1.0
 */
public interface BusListener {

	/**
	 * Called for each event, from every instance including this one. Events of one
	 * channel, or of one state, arrive in the order they were committed; events of
	 * different channels or states may arrive concurrently. Must not block.
	 * @param event the event
	 */
	void onEvent(BusEvent event);

	/**
	 * Called when the bus is connected again after it may have missed events; the
	 * listener re-reads whatever it depends on. Must not block.
	 */
	default void onResync() {
	}

	/**
	 * Called when the bus finds that the shared backend lost what it held (a Redis that
	 * restarted empty), before the resync that follows: positions read before may be of
	 * sequences that no longer exist, even where none exists now. Must not block.
	 */
	default void onDataLost() {
	}

}
