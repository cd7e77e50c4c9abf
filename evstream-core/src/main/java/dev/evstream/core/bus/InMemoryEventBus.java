package dev.evstream.core.bus;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The embedded default {@link EventBus}: one instance, events delivered synchronously on
 * the publishing thread. The in-memory store and history call {@link #deliver} while they
 * hold the lock of what they changed, which keeps delivery in commit order.
 *
 * @since 0.1.0
 */
public final class InMemoryEventBus implements EventBus {

	private static final Logger logger = Loggers.getLogger(InMemoryEventBus.class);

	private final CopyOnWriteArrayList<BusListener> listeners = new CopyOnWriteArrayList<>();

	@Override
	public Mono<Void> publish(BusEvent event) {
		Objects.requireNonNull(event, "'event' must not be null");
		return Mono.fromRunnable(() -> deliver(event));
	}

	/**
	 * Delivers an event to every listener now, on the calling thread. A listener that
	 * throws is logged and does not stop delivery to the others.
	 * @param event the event
	 */
	public void deliver(BusEvent event) {
		for (BusListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.error("Bus listener failed on " + event.getClass().getSimpleName(), ex);
			}
		}
	}

	@Override
	public Disposable subscribe(BusListener listener) {
		Objects.requireNonNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

}
