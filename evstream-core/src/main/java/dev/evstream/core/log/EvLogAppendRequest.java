package dev.evstream.core.log;

import java.util.Objects;

import dev.evstream.core.OperationIds;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An event a client asks to append.
 *
 * @param type the event's type
 * @param payload its payload as JSON, {@code null} for none
 * @param eventId the id the client gave it, so that a retry is appended once and the
 * broadcast names it, or {@code null}
 * @param connectionId the client's connection, which receives the {@code invalidate} if
 * the event is refused, or {@code null}
 * @since 0.1.0
 */
public record EvLogAppendRequest(String type, @Nullable JsonNode payload, @Nullable String eventId,
		@Nullable String connectionId) {

	/**
	 * Creates a request, checking it.
	 * @param type the type
	 * @param payload the payload
	 * @param eventId the event id, 1 to 64 characters from {@code A-Z a-z 0-9 _ . : -}
	 * @param connectionId the connection id
	 */
	public EvLogAppendRequest {
		Objects.requireNonNull(type, "'type' must not be null");
		if (type.isEmpty() || type.length() > 64) {
			throw new IllegalArgumentException("An event type must be 1 to 64 characters");
		}
		OperationIds.check(eventId);
		if (payload != null && payload.isNull()) {
			payload = null;
		}
	}

	/**
	 * Reads a request from the JSON body clients send:
	 * {@code {"type":"claim","payload":…,"eventId":"e1","connectionId":"…"}}, where only
	 * {@code type} is required.
	 * @param body the body
	 * @return the request
	 * @throws IllegalArgumentException if the body is not of this form
	 */
	public static EvLogAppendRequest fromJson(JsonNode body) {
		if (body == null || !body.isObject()) {
			throw new IllegalArgumentException("An event must be a JSON object");
		}
		return new EvLogAppendRequest(text(body, "type", true), body.get("payload"), text(body, "eventId", false),
				text(body, "connectionId", false));
	}

	private static @Nullable String text(JsonNode body, String field, boolean required) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				throw new IllegalArgumentException("An event needs a string '" + field + "'");
			}
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException("An event's '" + field + "' must be a string");
		}
		return value.asString();
	}

}
