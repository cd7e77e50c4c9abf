package dev.evstream.core;

/**
 * The base of the exceptions evstream signals for what it refuses or cannot do, so that
 * an application can tell them from its own: limits, shutdown, an unreachable backend, a
 * removed state, a client that stopped reading, a failed authentication.
 * <p>
 * Bad arguments are signalled with {@link IllegalArgumentException}, as everywhere in
 * Java.
 *
 * @since 0.1.0
 */
public abstract class EvException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what happened
	 */
	protected EvException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with its cause.
	 * @param message what happened
	 * @param cause why
	 */
	protected EvException(String message, Throwable cause) {
		super(message, cause);
	}

}
