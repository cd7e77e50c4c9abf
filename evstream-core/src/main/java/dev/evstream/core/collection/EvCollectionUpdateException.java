package dev.evstream.core.collection;

import dev.evstream.core.EvException;

/**
 * A write could not be applied: an update operation met a missing path or a value of
 * another type, or the item it would leave is not of the collection's type. Nothing was
 * written.
 *
 * @since 0.1.0
 */
public class EvCollectionUpdateException extends EvException {

	/**
	 * Creates the exception.
	 * @param message what could not be applied, and why
	 */
	public EvCollectionUpdateException(String message) {
		super(message);
	}

}
