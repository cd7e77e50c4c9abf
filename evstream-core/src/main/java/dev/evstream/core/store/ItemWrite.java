package dev.evstream.core.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A write of one collection item, applied by {@link CollectionStore#write} only if the
 * item is still at the version it was computed from.
 *
 * @param stream the collection (the stream name)
 * @param group the group
 * @param id the item id
 * @param expectedVersion the version the write was computed from, or {@code 0} for an
 * item that must not exist
 * @param json the item after the write as JSON text, or {@code null} to delete it
 * @param message the data of the change event appended to the group's channel
 * ({@code <stream>/<group>}, whose name is also the event name) when the write is applied
 * @param operationId the id the writer gave this write, or {@code null}
 * @param maxItems the most items the group may hold after a write that creates an item,
 * or {@code 0} for no limit
 * @since 0.1.0
 */
public record ItemWrite(String stream, String group, String id, long expectedVersion, @Nullable String json,
		String message, @Nullable String operationId, int maxItems) {

	/**
	 * Creates a write, checking its fields.
	 * @param stream the stream
	 * @param group the group
	 * @param id the item id
	 * @param expectedVersion the expected version, {@code 0} for none
	 * @param json the new JSON text, or {@code null} to delete
	 * @param message the change event's data
	 * @param operationId the operation id, or {@code null}
	 * @param maxItems the item limit of the group, {@code 0} for none
	 */
	public ItemWrite {
		Objects.requireNonNull(stream, "'stream' must not be null");
		Objects.requireNonNull(group, "'group' must not be null");
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(message, "'message' must not be null");
		if (expectedVersion < 0 || maxItems < 0) {
			throw new IllegalArgumentException("Expected version and item limit must not be negative");
		}
		if (json == null && expectedVersion == 0) {
			throw new IllegalArgumentException("A delete must name the version of the item it deletes");
		}
	}

	/**
	 * Returns the channel of the item's group, {@code <stream>/<group>}.
	 * @return the channel name
	 */
	public String channel() {
		return this.stream + "/" + this.group;
	}

	/**
	 * Returns whether this write deletes the item.
	 * @return whether the JSON is {@code null}
	 */
	public boolean isDelete() {
		return this.json == null;
	}

}
