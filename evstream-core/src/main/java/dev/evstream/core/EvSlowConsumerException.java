package dev.evstream.core;

/**
 * A stream was closed but its client did not read its last events in time, so the
 * connection is aborted rather than held open.
 *
 * @since 0.1.0
 */
public class EvSlowConsumerException extends EvException {

	/**
	 * Creates the exception.
	 * @param connectionId the id of the aborted connection
	 */
	public EvSlowConsumerException(String connectionId) {
		super("Connection " + connectionId + " stopped reading and was aborted");
	}

}
