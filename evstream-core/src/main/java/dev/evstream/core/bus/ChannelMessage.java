package dev.evstream.core.bus;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A message sent to every listener of a channel, with the position it was given in that
 * channel's sequence.
 *
 * @param channel the channel
 * @param sequence the position in the channel: consecutive messages of a channel have
 * consecutive sequences
 * @param event the event name, or {@code null} for the default
 * @param data the data as text
 * @since 0.1.0
 */
public record ChannelMessage(String channel, long sequence, @Nullable String event, String data) implements BusEvent {

	/**
	 * Creates a channel message, checking its fields.
	 * @param channel the channel
	 * @param sequence the sequence
	 * @param event the event name, or {@code null}
	 * @param data the data as text
	 */
	public ChannelMessage {
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(data, "'data' must not be null");
	}

}
