package dev.evstream.core.store;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link CollectionStore#write}.
 *
 * @param outcome what happened
 * @param item the item as stored after the call: the new one when {@code WRITTEN} (none
 * after a delete), the one that is there otherwise, or {@code null} when there is none
 * @param sequence the sequence given to the change event when {@code WRITTEN}, else
 * {@code 0}
 * @since 0.1.0
 */
public record ItemWriteResult(Outcome outcome, @Nullable StoredItem item, long sequence) {

	/**
	 * What a write did.
	 */
	public enum Outcome {

		/**
		 * Written, and its change event appended and published.
		 */
		WRITTEN,

		/**
		 * Not written: the item is not at the expected version.
		 */
		CONFLICT,

		/**
		 * Not written: an earlier write of the group carried the same operation id,
		 * within {@link StateStore#OPERATION_RETENTION}.
		 */
		REPEATED,

		/**
		 * Not written: the item is new and the group already holds the most items
		 * allowed.
		 */
		GROUP_FULL

	}

}
