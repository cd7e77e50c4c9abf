package dev.evstream.core.collection;

import dev.evstream.core.EvException;

/**
 * An update named an item that does not exist.
 *
 * @since 0.1.0
 */
public class EvCollectionItemNotFoundException extends EvException {

	/**
	 * Creates the exception.
	 * @param channel the item's group channel, {@code <stream>/<group>}
	 * @param id the item id
	 */
	public EvCollectionItemNotFoundException(String channel, String id) {
		super("Collection group '" + channel + "' has no item '" + id + "'");
	}

}
