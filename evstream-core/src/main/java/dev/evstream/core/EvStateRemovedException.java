package dev.evstream.core;

/**
 * A state was used after it was removed, here or on another instance.
 *
 * @since 0.1.0
 */
public class EvStateRemovedException extends EvException {

	/**
	 * Creates the exception.
	 * @param key the key of the removed state
	 */
	public EvStateRemovedException(String key) {
		super("State '" + key + "' was removed");
	}

}
