package dev.evstream.core.log;

import dev.evstream.core.auth.EvPrincipal;

/**
 * Decides which clients may append events to logs over HTTP. Client appends are refused
 * unless the application defines one; the log's handlers then judge each event. It runs
 * on the event loop, so it must not block.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvLogAppendAuthorizer {

	/**
	 * Returns whether a client may append an event.
	 * @param principal the authenticated client
	 * @param log the log's name
	 * @param request the event
	 * @return whether it is allowed
	 */
	boolean allows(EvPrincipal principal, String log, EvLogAppendRequest request);

}
