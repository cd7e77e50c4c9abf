package dev.evstream.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Encodes events in the Server-Sent Events wire format (WHATWG HTML, "server-sent
 * events"): UTF-8, LF line endings, one {@code data:} line per line of data, a blank line
 * after each event.
 * <p>
 * An event name or id containing CR, LF or NUL is rejected rather than written, because
 * it would let one message forge fields of another. Data needs no such check: every line
 * of it becomes its own {@code data:} line, so a line break in data stays inside the
 * event.
 *
 * @since 0.1.0
 */
final class SseEncoder {

	private final ObjectMapper jsonMapper;

	/**
	 * Creates an encoder that writes non-{@code String} data with the given mapper.
	 * @param jsonMapper the application's JSON mapper
	 */
	SseEncoder(ObjectMapper jsonMapper) {
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
	}

	/**
	 * Returns the text sent as an event's data: a {@code String} as is, anything else
	 * (numbers, booleans, {@code null}, maps, records, JSON trees) as compact JSON.
	 * @param data the data of a message
	 * @return the text of the {@code data:} lines
	 * @throws IllegalArgumentException if the data cannot be written as JSON
	 */
	String dataText(@Nullable Object data) {
		if (data instanceof String text) {
			return text;
		}
		try {
			return this.jsonMapper.writeValueAsString(data);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Message data of type " + data.getClass().getName()
					+ " cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Encodes one event.
	 * @param id the {@code id:} field, or {@code null} for none
	 * @param event the {@code event:} field, or {@code null} for the default
	 * ({@code message})
	 * @param dataText the data, split into one {@code data:} line per line
	 * @return the UTF-8 bytes of the event, ending with a blank line
	 * @throws IllegalArgumentException if {@code id} or {@code event} contains CR, LF or
	 * NUL
	 */
	static byte[] encode(@Nullable String id, @Nullable String event, String dataText) {
		StringBuilder out = new StringBuilder(dataText.length() + 32);
		if (id != null) {
			checkField("id", id);
			out.append("id: ").append(id).append('\n');
		}
		if (event != null) {
			checkField("event", event);
			out.append("event: ").append(event).append('\n');
		}
		appendData(out, dataText);
		out.append('\n');
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Encodes the {@code retry:} field that tells a client how long to wait before it
	 * reconnects.
	 * @param retry the reconnection delay
	 * @return the bytes of the field and its blank line
	 */
	static byte[] retry(Duration retry) {
		return ("retry: " + retry.toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Encodes an {@code id:} line on its own, to be written in front of an event that is
	 * shared by several connections.
	 * @param id the id
	 * @return the bytes of the line
	 */
	static byte[] idLine(String id) {
		checkField("id", id);
		return ("id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Checks that a field value cannot break out of its line.
	 * @param field the name of the field, for the message
	 * @param value the value to check
	 * @throws IllegalArgumentException if the value contains CR, LF or NUL
	 */
	static void checkField(String field, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n' || c == '\0') {
				throw new IllegalArgumentException("SSE '" + field + "' must not contain CR, LF or NUL, but "
						+ describe(c) + " was found at index " + i);
			}
		}
	}

	private static String describe(char c) {
		return switch (c) {
			case '\r' -> "CR";
			case '\n' -> "LF";
			default -> "NUL";
		};
	}

	private static void appendData(StringBuilder out, String text) {
		int start = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c == '\n' || c == '\r') {
				appendDataLine(out, text, start, i);
				if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		appendDataLine(out, text, start, length);
	}

	private static void appendDataLine(StringBuilder out, String text, int start, int end) {
		out.append("data:");
		if (end > start) {
			out.append(' ').append(text, start, end);
		}
		out.append('\n');
	}

}
