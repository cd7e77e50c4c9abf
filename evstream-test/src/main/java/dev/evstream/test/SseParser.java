package dev.evstream.test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * An incremental parser of an SSE byte stream, following the WHATWG "server-sent events"
 * interpretation rules: CRLF, LF or CR end a line, a leading BOM is skipped, a line that
 * starts with a colon is a comment, one space after the colon is dropped, {@code data}
 * lines are joined with LF, and an event with no data is not dispatched.
 * <p>
 * Bytes may arrive in any chunks, a multi-byte character split between two of them
 * included. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class SseParser {

	private final Consumer<SseEvent> events;

	private final List<Long> retries = new ArrayList<>();

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private boolean lastWasCr;

	private boolean started;

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private String eventType = "";

	private @Nullable String eventId;

	private String lastEventIdBuffer = "";

	private String lastEventId = "";

	/**
	 * Creates a parser that hands each dispatched event to a consumer.
	 * @param events the consumer
	 */
	public SseParser(Consumer<SseEvent> events) {
		this.events = events;
	}

	/**
	 * Feeds bytes.
	 * @param bytes the buffer
	 * @param offset where the bytes start
	 * @param length how many bytes
	 */
	public void feed(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				if (this.lastWasCr) {
					this.lastWasCr = false;
					continue;
				}
				endLine();
			}
			else if (b == '\r') {
				endLine();
				this.lastWasCr = true;
			}
			else {
				this.lastWasCr = false;
				this.line.write(b);
			}
		}
	}

	/**
	 * Feeds bytes.
	 * @param bytes the bytes
	 */
	public void feed(byte[] bytes) {
		feed(bytes, 0, bytes.length);
	}

	/**
	 * Returns every reconnection time the stream set, in milliseconds.
	 * @return the {@code retry} values
	 */
	public List<Long> retries() {
		return List.copyOf(this.retries);
	}

	/**
	 * Returns the last event id as {@code EventSource} would send it on reconnection:
	 * that of the last complete event (one that ended with its blank line).
	 * @return the last event id, empty if none
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	private void endLine() {
		String text = this.line.toString(StandardCharsets.UTF_8);
		this.line.reset();
		if (!this.started) {
			this.started = true;
			if (text.startsWith("\uFEFF")) {
				text = text.substring(1);
			}
		}
		if (text.isEmpty()) {
			dispatch();
			return;
		}
		if (text.startsWith(":")) {
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon < 0) ? text : text.substring(0, colon);
		String value = (colon < 0) ? "" : text.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		switch (field) {
			case "data" -> {
				this.data.append(value).append('\n');
				this.hasData = true;
			}
			case "event" -> this.eventType = value;
			case "id" -> {
				if (value.indexOf('\0') < 0) {
					this.eventId = value;
					this.lastEventIdBuffer = value;
				}
			}
			case "retry" -> {
				if (!value.isEmpty() && value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
					this.retries.add(Long.parseLong(value));
				}
			}
			default -> {
				// unknown fields are ignored
			}
		}
	}

	private void dispatch() {
		// the id takes effect at the end of its event, not when its line is read: a
		// stream cut inside an event resumes from the event before it
		this.lastEventId = this.lastEventIdBuffer;
		String id = this.eventId;
		this.eventId = null;
		if (!this.hasData) {
			this.eventType = "";
			return;
		}
		String text = this.data.substring(0, this.data.length() - 1);
		String type = this.eventType.isEmpty() ? "message" : this.eventType;
		this.data.setLength(0);
		this.hasData = false;
		this.eventType = "";
		this.events.accept(new SseEvent(type, text, id, this.lastEventId));
	}

}
