package dev.evstream.core;

/**
 * The manager already holds its maximum number of connections (evstream's
 * {@code EvMaxConnectionsError}).
 *
 * @since 0.1.0
 */
public class EvMaxConnectionsException extends EvLimitException {

	/**
	 * Creates the exception.
	 * @param maxConnections the connection limit
	 */
	public EvMaxConnectionsException(int maxConnections) {
		super("The maximum of " + maxConnections + " connections is reached", maxConnections);
	}

}
