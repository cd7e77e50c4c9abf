package dev.evstream.core;

import org.jspecify.annotations.Nullable;

/**
 * A message sent to one stream or to every listener of a channel, as evstream's
 * {@code EvMessage}: an optional event name, the data, and an optional id.
 * <p>
 * Data that is a {@code String} is sent as is; anything else, including numbers, booleans
 * and {@code null}, is sent as compact JSON. Event names and ids are checked when the
 * message is created: CR, LF or NUL in either is an {@link IllegalArgumentException}.
 *
 * @param event the event name, or {@code null} for the default ({@code message})
 * @param data the data
 * @param id the event id, or {@code null}; messages sent to a channel get their id from
 * evstream and must leave it {@code null}
 * @since 0.1.0
 */
public record EvMessage(@Nullable String event, @Nullable Object data, @Nullable String id) {

	/**
	 * Creates a message, checking the event name and the id.
	 * @param event the event name, or {@code null}
	 * @param data the data
	 * @param id the event id, or {@code null}
	 */
	public EvMessage {
		if (event != null) {
			if (event.isEmpty()) {
				throw new IllegalArgumentException(
						"Message 'event' must not be empty; leave it null for the default event 'message'");
			}
			SseEncoder.checkField("event", event);
		}
		if (id != null) {
			if (id.isEmpty()) {
				throw new IllegalArgumentException("Message 'id' must not be empty; leave it null for no id");
			}
			SseEncoder.checkField("id", id);
		}
	}

	/**
	 * Creates a message for the default event.
	 * @param data the data
	 * @return the message
	 */
	public static EvMessage of(@Nullable Object data) {
		return new EvMessage(null, data, null);
	}

	/**
	 * Creates a message for a named event.
	 * @param event the event name
	 * @param data the data
	 * @return the message
	 */
	public static EvMessage of(String event, @Nullable Object data) {
		return new EvMessage(event, data, null);
	}

	/**
	 * Returns a copy of this message with the given id.
	 * @param id the event id
	 * @return the new message
	 */
	public EvMessage withId(String id) {
		return new EvMessage(this.event, this.data, id);
	}

}
