package dev.evstream.core.history;

import java.util.List;

import dev.evstream.core.bus.ChannelMessage;

/**
 * What a {@link ChannelHistory} holds after a position.
 *
 * @param head the sequence of the latest message of the channel
 * @param messages the retained messages after the position, oldest first
 * @param complete whether {@code messages} are every message after the position: false
 * when older ones were trimmed or lost, or when the position is not one the channel ever
 * had
 * @since 0.1.0
 */
public record HistorySlice(long head, List<ChannelMessage> messages, boolean complete) {

	/**
	 * Creates a slice, copying the messages.
	 * @param head the head sequence
	 * @param messages the messages
	 * @param complete whether nothing is missing
	 */
	public HistorySlice {
		messages = List.copyOf(messages);
	}

}
