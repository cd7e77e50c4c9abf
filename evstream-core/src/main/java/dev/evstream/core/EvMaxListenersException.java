package dev.evstream.core;

/**
 * A channel already has its maximum number of listeners (evstream's
 * {@code EvMaxListenerError}).
 *
 * @since 0.1.0
 */
public class EvMaxListenersException extends EvLimitException {

	private final String channel;

	/**
	 * Creates the exception.
	 * @param maxListeners the listener limit
	 * @param channel the channel that is full
	 */
	public EvMaxListenersException(int maxListeners, String channel) {
		super("Channel '" + channel + "' already has the maximum of " + maxListeners + " listeners", maxListeners);
		this.channel = channel;
	}

	/**
	 * Returns the channel that is full.
	 * @return the channel
	 */
	public String channel() {
		return this.channel;
	}

}
