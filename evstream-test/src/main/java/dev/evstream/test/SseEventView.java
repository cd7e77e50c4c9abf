package dev.evstream.test;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * A dispatched event as a view over an {@link SseParser}'s buffers, so that parsing
 * allocates nothing per event unless text is asked for: a load generator that reads a few
 * hundred thousand events a second must not become the bottleneck it measures. Only valid
 * during {@link SseListener#onEvent}; {@link #toEvent()} keeps a copy.
 *
 * @since 0.1.0
 */
public final class SseEventView {

	private final SseParser parser;

	private String type = "message";

	private byte[] data = new byte[0];

	private int dataLength;

	private boolean hasId;

	SseEventView(SseParser parser) {
		this.parser = parser;
	}

	void set(String type, byte[] data, int dataLength, boolean hasId) {
		this.type = type;
		this.data = data;
		this.dataLength = dataLength;
		this.hasId = hasId;
	}

	/**
	 * Returns the event type, {@code message} when the stream named none.
	 * @return the type
	 */
	public String type() {
		return this.type;
	}

	/**
	 * Returns the buffer that holds the data; only the first {@link #dataLength()} bytes
	 * belong to this event.
	 * @return the UTF-8 bytes of the data, lines joined by LF
	 */
	public byte[] dataBytes() {
		return this.data;
	}

	/**
	 * Returns the length of the data in {@link #dataBytes()}.
	 * @return the number of bytes
	 */
	public int dataLength() {
		return this.dataLength;
	}

	/**
	 * Decodes the data.
	 * @return the data, lines joined by LF
	 */
	public String data() {
		return new String(this.data, 0, this.dataLength, StandardCharsets.UTF_8);
	}

	/**
	 * Returns the value of this event's own {@code id:} field.
	 * @return the id, or {@code null} if the event had none
	 */
	public @Nullable String id() {
		return this.hasId ? this.parser.lastEventId() : null;
	}

	/**
	 * Returns the last event id after this event, as a browser's {@code EventSource}
	 * keeps it.
	 * @return the last event id, empty if none was set
	 */
	public String lastEventId() {
		return this.parser.lastEventId();
	}

	/**
	 * Copies the event out of the parser's buffers.
	 * @return the event
	 */
	public SseEvent toEvent() {
		return new SseEvent(this.type, data(), id(), lastEventId());
	}

}
