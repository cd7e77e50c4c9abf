package dev.evstream.core.store;

import java.util.List;

/**
 * Every item of a group together with the position of the group's channel when they were
 * read, taken in one atomic step: the changes after {@code sequence} are exactly the ones
 * the items do not include yet.
 *
 * @param sequence the sequence of the channel's latest message when the items were read,
 * or {@link dev.evstream.core.history.ChannelHistory#NO_SEQUENCE} if it has none
 * @param items the items, in no particular order
 * @since 0.1.0
 */
public record GroupSnapshot(long sequence, List<StoredItem> items) {

	/**
	 * Creates a snapshot, copying the items.
	 * @param sequence the channel's sequence
	 * @param items the items
	 */
	public GroupSnapshot {
		items = List.copyOf(items);
	}

}
