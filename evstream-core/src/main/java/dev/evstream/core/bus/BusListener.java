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

}
