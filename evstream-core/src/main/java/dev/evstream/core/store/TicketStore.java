package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Short-lived values that are taken once, such as the connection tickets that carry a
 * principal from the request that issued them to the stream that redeems them. The two
 * may reach different instances, so the tickets live in the backend: whichever instance
 * takes a ticket first gets its value, and every other attempt finds nothing.
 * <p>
 * A ticket is kept until it is taken or its time to live runs out, whichever comes first;
 * the store never hands out a value after that, even if it has not yet freed its memory.
 * <p>
 * All methods are cold, signal on the thread of the backend (the caller's for the
 * in-memory store), and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface TicketStore {

	/**
	 * Returns the longest a call waits for the backend before it fails.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Keeps a value under a ticket, unless the ticket is held already.
	 * @param ticket the ticket
	 * @param value the value
	 * @param timeToLive how long the value is kept if nobody takes it, positive
	 * @return whether the value was kept: {@code false}, with nothing stored, if the
	 * ticket was held already (its earlier value stays)
	 */
	Mono<Boolean> put(String ticket, String value, Duration timeToLive);

	/**
	 * Returns the value of a ticket and removes it, in one atomic step: each ticket is
	 * taken at most once, across every instance that shares the backend.
	 * @param ticket the ticket
	 * @return the value, or empty if the ticket is unknown, taken already, or expired
	 */
	Mono<String> take(String ticket);

}
