package dev.evstream.core.bus;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A message for one connection, which may be held by any instance.
 *
 * @param connectionId the id of the connection
 * @param event the event name, or {@code null} for the default
 * @param data the data as text
 * @param id the event id, or {@code null}
 * @since 0.1.0
 */
public record DirectMessage(String connectionId, @Nullable String event, String data,
		@Nullable String id) implements BusEvent {

	/**
	 * Creates a direct message, checking its fields.
	 * @param connectionId the connection id
	 * @param event the event name, or {@code null}
	 * @param data the data as text
	 * @param id the event id, or {@code null}
	 */
	public DirectMessage {
		Objects.requireNonNull(connectionId, "'connectionId' must not be null");
		Objects.requireNonNull(data, "'data' must not be null");
	}

}
