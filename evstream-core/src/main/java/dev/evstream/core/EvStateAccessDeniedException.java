package dev.evstream.core;

/**
 * A client may not use a state: the state does not accept writes from clients, or its
 * {@link EvStateOptions#allowConnectingClient rule} refuses the principal.
 *
 * @since 0.1.0
 */
public class EvStateAccessDeniedException extends EvException {

	/**
	 * Creates the exception.
	 * @param message what was refused and why
	 */
	public EvStateAccessDeniedException(String message) {
		super(message);
	}

}
