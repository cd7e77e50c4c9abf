package dev.evstream.core.bus;

import java.util.Objects;

import dev.evstream.core.store.StoredState;

/**
 * A state was created or took a new value.
 *
 * @param state the state as stored
 * @param created whether this is the creation of the state (a new incarnation, whose
 * versions start again at {@code 1}) rather than a change
 * @since 0.1.0
 */
public record StateChanged(StoredState state, boolean created) implements BusEvent {

	/**
	 * Creates the event.
	 * @param state the state as stored
	 * @param created whether the state was created
	 */
	public StateChanged {
		Objects.requireNonNull(state, "'state' must not be null");
	}

}
