package dev.evstream.core.log;

import dev.evstream.core.EvException;

/**
 * An event was not appended: its type is unknown, its payload is not valid, or its
 * handler refused it in the log's current state. The message is the reason, which a
 * client receives as the problem's detail and in its {@code invalidate}.
 *
 * @since 0.1.0
 */
public class EvLogEventRejectedException extends EvException {

	/**
	 * Creates the exception.
	 * @param reason why the event is not valid, shown to the client as is
	 */
	public EvLogEventRejectedException(String reason) {
		super(reason);
	}

}
