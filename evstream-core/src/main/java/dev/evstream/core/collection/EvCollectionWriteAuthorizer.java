package dev.evstream.core.collection;

import dev.evstream.core.auth.EvPrincipal;

/**
 * Decides which writes clients may make to collections over HTTP. Client writes are
 * refused unless the application defines one; it runs on the event loop, so it must not
 * block.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvCollectionWriteAuthorizer {

	/**
	 * Returns whether a client may make a write.
	 * @param principal the authenticated client
	 * @param stream the collection
	 * @param write the write
	 * @return whether it is allowed
	 */
	boolean allows(EvPrincipal principal, String stream, EvCollectionWrite write);

}
