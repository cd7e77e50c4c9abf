package dev.evstream.core;

/**
 * The manager is shutting down and opens no new streams; the client should reconnect, to
 * another instance.
 *
 * @since 0.1.0
 */
public class EvShutdownException extends EvException {

	/**
	 * Creates the exception.
	 */
	public EvShutdownException() {
		super("This instance is shutting down and accepts no new streams");
	}

}
