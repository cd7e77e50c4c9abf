package dev.evstream.core.bus;

import java.util.Objects;

/**
 * A state was removed.
 *
 * @param key the key of the state
 * @since 0.1.0
 */
public record StateRemoved(String key) implements BusEvent {

	/**
	 * Creates the event.
	 * @param key the state key
	 */
	public StateRemoved {
		Objects.requireNonNull(key, "'key' must not be null");
	}

}
