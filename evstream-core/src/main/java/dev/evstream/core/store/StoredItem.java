package dev.evstream.core.store;

import java.util.Objects;

/**
 * One item of a collection as stored: its id, its version and its JSON text.
 *
 * @param id the item id, unique within its group
 * @param version the version, {@code 1} when the item was created and bumped by one on
 * every write; an item deleted and created again starts at {@code 1}
 * @param json the item as JSON text
 * @since 0.1.0
 */
public record StoredItem(String id, long version, String json) {

	/**
	 * Creates a stored item, checking its fields.
	 * @param id the item id
	 * @param version the version, at least {@code 1}
	 * @param json the item as JSON text
	 */
	public StoredItem {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(json, "'json' must not be null");
		if (version < 1) {
			throw new IllegalArgumentException("Item versions start at 1, but was " + version);
		}
	}

}
