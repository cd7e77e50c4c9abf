package dev.evstream.core;

/**
 * This instance already has its maximum number of channels in use, so a connection may
 * not listen to one more: channel names are chosen by clients, and each costs memory.
 *
 * @since 0.1.0
 */
public class EvMaxChannelsException extends EvLimitException {

	/**
	 * Creates the exception.
	 * @param maxChannels the channel limit
	 */
	public EvMaxChannelsException(int maxChannels) {
		super("The maximum of " + maxChannels + " channels in use on this instance is reached", maxChannels);
	}

}
