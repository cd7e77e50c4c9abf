package dev.evstream.core;

/**
 * No state has the given key on this instance.
 *
 * @since 0.1.0
 */
public class EvStateNotFoundException extends EvException {

	/**
	 * Creates the exception.
	 * @param key the key asked for
	 */
	public EvStateNotFoundException(String key) {
		super("There is no state '" + key + "'");
	}

}
