package dev.evstream.core;

import dev.evstream.core.auth.EvPrincipal;

/**
 * Told when a connection of this instance starts or stops listening to a channel, such as
 * by the presence model, which shares it across the instances. Called on the thread that
 * made the change, which may be an event loop: it must not block.
 *
 * @since 0.1.0
 */
public interface ChannelMembership {

	/**
	 * Tells of no one.
	 */
	ChannelMembership NONE = new ChannelMembership() {

		@Override
		public void joined(String channel, String connectionId, EvPrincipal principal) {
		}

		@Override
		public void left(String channel, String connectionId, EvPrincipal principal) {
		}

	};

	/**
	 * A connection started listening to a channel.
	 * @param channel the channel
	 * @param connectionId the connection
	 * @param principal the connection's principal
	 */
	void joined(String channel, String connectionId, EvPrincipal principal);

	/**
	 * A connection stopped listening to a channel, or closed.
	 * @param channel the channel
	 * @param connectionId the connection
	 * @param principal the connection's principal
	 */
	void left(String channel, String connectionId, EvPrincipal principal);

}
