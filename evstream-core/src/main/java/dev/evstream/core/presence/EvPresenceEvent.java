package dev.evstream.core.presence;

import java.util.Objects;

/**
 * A connection joined or left a channel.
 *
 * @param channel the channel
 * @param member the member who joined or left
 * @param kind whether it joined or left
 * @since 0.1.0
 */
public record EvPresenceEvent(String channel, EvMember member, Kind kind) {

	/**
	 * Checks the fields.
	 * @param channel the channel
	 * @param member the member
	 * @param kind the kind
	 */
	public EvPresenceEvent {
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(member, "'member' must not be null");
		Objects.requireNonNull(kind, "'kind' must not be null");
	}

	/**
	 * Whether a member joined or left.
	 */
	public enum Kind {

		/**
		 * The connection started listening to the channel.
		 */
		JOIN,

		/**
		 * The connection stopped listening to the channel, closed, or its instance died.
		 */
		LEAVE

	}

}
