package dev.evstream.core.bus;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Carries {@link BusEvent events} between the instances of an application.
 * <p>
 * The {@link dev.evstream.core.store.StateStore} and the
 * {@link dev.evstream.core.history.ChannelHistory} publish their own events atomically
 * with their writes; {@link #publish} is for events that need no store, such as
 * {@link DirectMessage direct messages}.
 *
 * @since 0.1.0
 */
public interface EventBus {

	/**
	 * Publishes an event to every instance, this one included. Cold: nothing is sent
	 * until subscribed. Completes once the backend accepted the event, or fails at once
	 * when it cannot be reached.
	 * @param event the event
	 * @return completion of the publication
	 */
	Mono<Void> publish(BusEvent event);

	/**
	 * Registers a listener for the events of every instance.
	 * @param listener the listener
	 * @return a handle that removes the listener when disposed
	 */
	Disposable subscribe(BusListener listener);

	/**
	 * Returns whether the bus is connected to its backend now.
	 * @return whether events flow
	 */
	default boolean isConnected() {
		return true;
	}

}
