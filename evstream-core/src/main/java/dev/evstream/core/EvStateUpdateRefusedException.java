package dev.evstream.core;

/**
 * A change of a state was refused: its {@link EvStateOptions#interceptStateUpdate
 * interceptor} returned nothing or refused it with a reason, or the change would leave a
 * value that is not of the state's type. Nothing was stored, nothing broadcast.
 *
 * @since 0.1.0
 */
public class EvStateUpdateRefusedException extends EvException {

	/**
	 * Creates the exception.
	 * @param key the key of the state
	 * @param reason why the change was refused
	 */
	public EvStateUpdateRefusedException(String key, String reason) {
		super("The update of state '" + key + "' was refused: " + reason);
	}

	/**
	 * Creates the exception an interceptor throws to refuse a change with a reason that
	 * the client sees as the problem's detail.
	 * @param reason why the change is refused, shown to the client as is
	 */
	public EvStateUpdateRefusedException(String reason) {
		super(reason);
	}

}
