package dev.evstream.bench.loadgen;

import java.nio.charset.StandardCharsets;

/**
 * A dispatched event as a reusable view over the parser's buffers, so that parsing
 * allocates nothing per event unless text is asked for: at a few hundred thousand events
 * per second the load generator must not become the bottleneck it measures.
 *
 * @since 0.1.0
 */
public final class SseEvent {

	private String type = "message";

	private byte[] data = new byte[0];

	private int dataLength;

	private byte[] lastEventId = new byte[0];

	private int lastEventIdLength;

	void set(String type, byte[] data, int dataLength, byte[] lastEventId, int lastEventIdLength) {
		this.type = type;
		this.data = data;
		this.dataLength = dataLength;
		this.lastEventId = lastEventId;
		this.lastEventIdLength = lastEventIdLength;
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
	 * Decodes the last event id, as a browser's {@code EventSource} keeps it.
	 * @return the last event id, empty if none was set
	 */
	public String lastEventId() {
		return new String(this.lastEventId, 0, this.lastEventIdLength, StandardCharsets.UTF_8);
	}

}
