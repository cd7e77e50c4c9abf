package dev.evstream.core.memory;

import java.util.Objects;

import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.bus.BusListeners;
import dev.evstream.core.bus.EventBus;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The embedded default {@link EventBus}: one instance, events delivered synchronously on
 * the publishing thread. The in-memory store and history deliver while they hold the lock
 * of what they changed, which keeps delivery in commit order.
 *
 * @since 0.1.0
 */
public final class InMemoryEventBus implements EventBus {

	private final BusListeners listeners = new BusListeners();

	@Override
	public Mono<Void> publish(BusEvent event) {
		Objects.requireNonNull(event, "'event' must not be null");
		return Mono.fromRunnable(() -> deliver(event));
	}

	/**
	 * Delivers an event to every listener now, on the calling thread.
	 */
	void deliver(BusEvent event) {
		this.listeners.deliver(event);
	}

	@Override
	public Disposable subscribe(BusListener listener) {
		return this.listeners.add(listener);
	}

}
