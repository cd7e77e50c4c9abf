package dev.evstream.core.bus;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import reactor.core.Disposable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The listeners of one {@link EventBus}, for its implementations: every signal reaches
 * every listener, and a listener that throws is logged without stopping the others, so
 * one faulty listener cannot starve the engine of events.
 *
 * @since 0.1.0
 */
public final class BusListeners {

	private static final Logger logger = Loggers.getLogger(BusListeners.class);

	private final CopyOnWriteArrayList<BusListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Adds a listener, as {@link EventBus#subscribe(BusListener)} does.
	 * @param listener the listener
	 * @return a handle that removes the listener when disposed
	 */
	public Disposable add(BusListener listener) {
		Objects.requireNonNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Delivers an event to every listener, on the calling thread.
	 * @param event the event
	 */
	public void deliver(BusEvent event) {
		each((listener) -> listener.onEvent(event), event.getClass().getSimpleName());
	}

	/**
	 * Tells every listener that the backend lost data, on the calling thread.
	 */
	public void dataLost() {
		each(BusListener::onDataLost, "data loss");
	}

	/**
	 * Tells every listener to resync, on the calling thread.
	 */
	public void resync() {
		each(BusListener::onResync, "resync");
	}

	private void each(Consumer<BusListener> signal, String what) {
		for (BusListener listener : this.listeners) {
			try {
				signal.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.error("Bus listener failed on " + what, ex);
			}
		}
	}

}
