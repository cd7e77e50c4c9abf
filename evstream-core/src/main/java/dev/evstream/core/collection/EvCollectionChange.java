package dev.evstream.core.collection;

import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * One change of one item, as a {@link EvCollectionTrigger trigger} receives it.
 *
 * @param <T> the type of the collection's items
 * @param stream the collection
 * @param group the group
 * @param id the item id
 * @param type whether the item was created, updated or deleted
 * @param before the item before the change, {@code null} for a creation
 * @param after the item after the change, {@code null} for a deletion
 * @param principal who wrote, or {@code null} for the application's own writes
 * @param operationId the operation id the write carried, or {@code null}
 * @since 0.1.0
 */
public record EvCollectionChange<T>(String stream, String group, String id, Type type, @Nullable T before,
		@Nullable T after, @Nullable EvPrincipal principal, @Nullable String operationId) {

	/**
	 * What happened to the item.
	 */
	public enum Type {

		/**
		 * The item did not exist before.
		 */
		CREATE,

		/**
		 * The item existed and has a new value.
		 */
		UPDATE,

		/**
		 * The item existed and was removed.
		 */
		DELETE

	}

}
