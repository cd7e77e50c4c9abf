package dev.evstream.core.collection;

import dev.evstream.core.EvException;

/**
 * A write would exceed a collection limit: a new item in a group that holds the most
 * items allowed, or an item larger than allowed. Nothing was written.
 *
 * @since 0.1.0
 * @see EvCollectionLimits
 */
public class EvCollectionLimitException extends EvException {

	/**
	 * Creates the exception.
	 * @param message which limit, and its value
	 */
	public EvCollectionLimitException(String message) {
		super(message);
	}

}
