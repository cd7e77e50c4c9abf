package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Who listens to which channel, across the instances: each instance adds and removes the
 * members it holds, and says that it is alive; the members of an instance that stopped
 * saying so (it was killed) are evicted by one of the others, once.
 * <p>
 * All methods are cold, signal on the thread of the backend (the caller's for the
 * in-memory store), and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface PresenceStore {

	/**
	 * Returns the longest a call waits for the backend before it fails.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Adds a member, unless the connection is one of the channel's members already, and
	 * marks its instance alive for a time if it was not.
	 * @param member the member
	 * @param aliveFor how long the instance counts as alive if it had no mark yet
	 * @return whether the member was added: {@code false} if the connection was a member
	 * already
	 */
	Mono<Boolean> add(PresenceMember member, Duration aliveFor);

	/**
	 * Removes a member.
	 * @param channel the channel
	 * @param connectionId the connection
	 * @return the removed member, or empty if the connection was none of the channel's
	 * members (it left already, or was evicted)
	 */
	Mono<PresenceMember> remove(String channel, String connectionId);

	/**
	 * Reads a channel's members.
	 * @param channel the channel
	 * @return the members, in the order they joined
	 */
	Flux<PresenceMember> members(String channel);

	/**
	 * Counts a channel's members.
	 * @param channel the channel
	 * @return the number of members
	 */
	Mono<Long> count(String channel);

	/**
	 * Marks an instance alive for a time from now.
	 * @param instance the instance
	 * @param aliveFor how long it counts as alive without another mark
	 * @return whether it was still alive: {@code false} when its mark had run out (it was
	 * paused longer than that), so that its members may have been evicted and it should
	 * add them again
	 */
	Mono<Boolean> heartbeat(String instance, Duration aliveFor);

	/**
	 * Removes the members of every instance whose mark ran out, in one atomic step: each
	 * evicted member is given to exactly one caller, whichever instance calls first.
	 * @return the evicted members
	 */
	Flux<PresenceMember> evictDead();

}
