package dev.evstream.core.record;

import dev.evstream.core.auth.EvPrincipal;
import tools.jackson.databind.JsonNode;

/**
 * Decides which actions clients may send to record sets over HTTP. Client actions are
 * refused unless the application defines one; it runs on the event loop, so it must not
 * block.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvActionAuthorizer {

	/**
	 * Returns whether a client may send an action.
	 * @param principal the authenticated client
	 * @param recordSet the record set's name
	 * @param action the action, as the client sent it
	 * @return whether it is allowed
	 */
	boolean allows(EvPrincipal principal, String recordSet, JsonNode action);

}
