package dev.evstream.core.record;

import dev.evstream.core.EvException;

/**
 * Signalled for an action whose operation id another try holds while it still runs; the
 * client may retry it later and will get that try's outcome.
 *
 * @since 0.1.0
 */
public class EvActionRunningException extends EvException {

	/**
	 * Creates the exception.
	 * @param message the message
	 */
	public EvActionRunningException(String message) {
		super(message);
	}

}
