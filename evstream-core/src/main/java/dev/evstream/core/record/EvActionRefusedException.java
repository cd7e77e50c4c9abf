package dev.evstream.core.record;

import dev.evstream.core.EvException;

/**
 * Thrown by an {@link EvActionHandler} that refuses an action; nothing was changed. Its
 * message is the reason, told to the client that sent the action.
 *
 * @since 0.1.0
 */
public class EvActionRefusedException extends EvException {

	/**
	 * Creates the exception.
	 * @param reason why the action is refused, shown to the client
	 */
	public EvActionRefusedException(String reason) {
		super(reason);
	}

}
