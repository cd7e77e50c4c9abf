package dev.evstream.core.store;

import java.util.Objects;

/**
 * One connection listening to one channel, as the {@link PresenceStore} keeps it.
 *
 * @param channel the channel
 * @param connectionId the connection
 * @param principal the name of the connection's principal
 * @param joinedAt when it joined, in milliseconds since the epoch
 * @param instance the instance that holds the connection
 * @since 0.1.0
 */
public record PresenceMember(String channel, String connectionId, String principal, long joinedAt, String instance) {

	/**
	 * Checks the fields.
	 * @param channel the channel
	 * @param connectionId the connection
	 * @param principal the principal's name
	 * @param joinedAt when it joined
	 * @param instance the instance
	 */
	public PresenceMember {
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(connectionId, "'connectionId' must not be null");
		Objects.requireNonNull(principal, "'principal' must not be null");
		Objects.requireNonNull(instance, "'instance' must not be null");
	}

}
