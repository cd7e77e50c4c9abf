package dev.evstream.core.presence;

import java.time.Instant;
import java.util.Objects;

/**
 * One connection listening to a channel, on whichever instance holds it.
 *
 * @param connectionId the connection
 * @param principal the name of the connection's principal
 * @param joinedAt when it started listening
 * @param instance the instance that holds the connection
 * @since 0.1.0
 */
public record EvMember(String connectionId, String principal, Instant joinedAt, String instance) {

	/**
	 * Checks the fields.
	 * @param connectionId the connection
	 * @param principal the principal's name
	 * @param joinedAt when it joined
	 * @param instance the instance
	 */
	public EvMember {
		Objects.requireNonNull(connectionId, "'connectionId' must not be null");
		Objects.requireNonNull(principal, "'principal' must not be null");
		Objects.requireNonNull(joinedAt, "'joinedAt' must not be null");
		Objects.requireNonNull(instance, "'instance' must not be null");
	}

}
