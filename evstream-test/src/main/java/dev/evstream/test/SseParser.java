package dev.evstream.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * An incremental parser of an SSE byte stream, following the WHATWG "server-sent events"
 * interpretation rules: a leading BOM is skipped, CRLF, LF or CR end a line, a line that
 * starts with a colon is a comment, one space after the colon is dropped, {@code data}
 * lines are joined with LF, an {@code id} with NUL is ignored, a {@code retry} that is
 * not all digits is ignored, and an event with no data is not dispatched.
 * <p>
 * Bytes may arrive in any chunks, a CRLF or a multi-byte character split between two of
 * them included. The parser works on bytes and decodes text only when asked: line ends
 * are ASCII and never part of a multi-byte UTF-8 sequence, so a split character is simply
 * carried over. Made {@linkplain #SseParser(Consumer) with a consumer} it hands out
 * {@link SseEvent} records; made {@linkplain #withListener(SseListener) with a listener}
 * it allocates nothing per event unless the listener asks for text. Not thread-safe: one
 * parser per stream.
 *
 * @since 0.1.0
 */
public final class SseParser {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private static final byte[] DATA = bytes("data");

	private static final byte[] EVENT = bytes("event");

	private static final byte[] ID = bytes("id");

	private static final byte[] RETRY = bytes("retry");

	private final SseListener listener;

	private final SseEventView view = new SseEventView(this);

	private final List<Long> retries = new ArrayList<>();

	private byte[] line = new byte[128];

	private int lineLength;

	private boolean lastWasCr;

	// bytes of a leading BOM matched so far, -1 once past the start of the stream
	private int bomMatched;

	private byte[] data = new byte[512];

	private int dataLength;

	private byte[] type = new byte[32];

	private int typeLength;

	private byte[] cachedTypeBytes = new byte[0];

	private String cachedType = "";

	// the id of the event being read, which takes effect when it ends
	private byte[] pendingId = new byte[32];

	private int pendingIdLength;

	private boolean eventHasId;

	private byte[] lastEventId = new byte[32];

	private int lastEventIdLength;

	private @Nullable String lastEventIdText = "";

	/**
	 * Creates a parser that hands each dispatched event to a consumer.
	 * @param events the consumer
	 */
	public SseParser(Consumer<SseEvent> events) {
		Objects.requireNonNull(events, "'events' must not be null");
		this.listener = (event) -> events.accept(event.toEvent());
	}

	private SseParser(SseListener listener) {
		this.listener = listener;
	}

	/**
	 * Creates a parser that hands each dispatched event to a listener as a view over its
	 * buffers, for readers that must not allocate per event. (A static factory rather
	 * than a constructor, so that a lambda given to {@link #SseParser(Consumer)} is never
	 * ambiguous.)
	 * @param listener what receives the events, retries and comments
	 * @return the parser
	 */
	public static SseParser withListener(SseListener listener) {
		return new SseParser(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	/**
	 * Feeds bytes.
	 * @param bytes the bytes
	 */
	public void feed(byte[] bytes) {
		feed(bytes, 0, bytes.length);
	}

	/**
	 * Feeds the next chunk of the stream. Nothing is kept of the buffer after the call.
	 * @param bytes the buffer
	 * @param offset where the chunk starts
	 * @param length the length of the chunk
	 */
	public void feed(byte[] bytes, int offset, int length) {
		Objects.checkFromIndexSize(offset, length, bytes.length);
		int end = offset + length;
		int i = (this.bomMatched >= 0) ? skipBom(bytes, offset, end) : offset;
		while (i < end) {
			if (this.lastWasCr) {
				this.lastWasCr = false;
				if (bytes[i] == LF) {
					i++;
					continue;
				}
			}
			int eol = i;
			while (eol < end && bytes[eol] != LF && bytes[eol] != CR) {
				eol++;
			}
			if (eol == end) {
				appendLine(bytes, i, end - i);
				return;
			}
			if (this.lineLength == 0) {
				// the whole line is in this chunk: no copy
				processLine(bytes, i, eol);
			}
			else {
				appendLine(bytes, i, eol - i);
				processLine(this.line, 0, this.lineLength);
				this.lineLength = 0;
			}
			this.lastWasCr = (bytes[eol] == CR);
			i = eol + 1;
		}
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
		String text = this.lastEventIdText;
		if (text == null) {
			text = new String(this.lastEventId, 0, this.lastEventIdLength, StandardCharsets.UTF_8);
			this.lastEventIdText = text;
		}
		return text;
	}

	private int skipBom(byte[] bytes, int offset, int end) {
		int i = offset;
		while (i < end && this.bomMatched >= 0) {
			if (bytes[i] == BOM[this.bomMatched]) {
				this.bomMatched++;
				i++;
				if (this.bomMatched == BOM.length) {
					this.bomMatched = -1;
				}
			}
			else {
				// what looked like the start of a BOM was text
				int matched = this.bomMatched;
				this.bomMatched = -1;
				appendLine(BOM, 0, matched);
			}
		}
		return i;
	}

	private void appendLine(byte[] bytes, int offset, int length) {
		this.line = ensure(this.line, this.lineLength + length);
		System.arraycopy(bytes, offset, this.line, this.lineLength, length);
		this.lineLength += length;
	}

	private void processLine(byte[] buf, int start, int end) {
		if (start == end) {
			dispatch();
			return;
		}
		if (buf[start] == ':') {
			this.listener.onComment(new String(buf, start + 1, end - start - 1, StandardCharsets.UTF_8));
			return;
		}
		int colon = start;
		while (colon < end && buf[colon] != ':') {
			colon++;
		}
		int valueStart = (colon < end) ? colon + 1 : end;
		if (valueStart < end && buf[valueStart] == ' ') {
			valueStart++;
		}
		int nameLength = colon - start;
		int valueLength = end - valueStart;
		if (is(buf, start, nameLength, DATA)) {
			this.data = ensure(this.data, this.dataLength + valueLength + 1);
			System.arraycopy(buf, valueStart, this.data, this.dataLength, valueLength);
			this.dataLength += valueLength;
			this.data[this.dataLength++] = LF;
		}
		else if (is(buf, start, nameLength, EVENT)) {
			this.type = ensure(this.type, valueLength);
			System.arraycopy(buf, valueStart, this.type, 0, valueLength);
			this.typeLength = valueLength;
		}
		else if (is(buf, start, nameLength, ID)) {
			if (indexOf(buf, valueStart, end, (byte) 0) < 0) {
				this.pendingId = ensure(this.pendingId, valueLength);
				System.arraycopy(buf, valueStart, this.pendingId, 0, valueLength);
				this.pendingIdLength = valueLength;
				this.eventHasId = true;
			}
		}
		else if (is(buf, start, nameLength, RETRY)) {
			retry(buf, valueStart, end);
		}
	}

	private void retry(byte[] buf, int start, int end) {
		// more than 18 digits would overflow a long: no reconnection time that long is
		// meant
		if (start == end || end - start > 18) {
			return;
		}
		long millis = 0;
		for (int i = start; i < end; i++) {
			byte b = buf[i];
			if (b < '0' || b > '9') {
				return;
			}
			millis = millis * 10 + (b - '0');
		}
		this.retries.add(millis);
		this.listener.onRetry(millis);
	}

	private void dispatch() {
		// the id takes effect at the end of its event, not when its line is read: a
		// stream
		// cut inside an event resumes from the event before it
		if (!Arrays.equals(this.pendingId, 0, this.pendingIdLength, this.lastEventId, 0, this.lastEventIdLength)) {
			this.lastEventId = ensure(this.lastEventId, this.pendingIdLength);
			System.arraycopy(this.pendingId, 0, this.lastEventId, 0, this.pendingIdLength);
			this.lastEventIdLength = this.pendingIdLength;
			this.lastEventIdText = null;
		}
		boolean hasId = this.eventHasId;
		this.eventHasId = false;
		if (this.dataLength == 0) {
			this.typeLength = 0;
			return;
		}
		String eventType = (this.typeLength == 0) ? "message" : typeString();
		// the LF that ended the last data line is not part of the data
		this.view.set(eventType, this.data, this.dataLength - 1, hasId);
		this.dataLength = 0;
		this.typeLength = 0;
		this.listener.onEvent(this.view);
	}

	private String typeString() {
		if (!Arrays.equals(this.type, 0, this.typeLength, this.cachedTypeBytes, 0, this.cachedTypeBytes.length)) {
			this.cachedTypeBytes = Arrays.copyOf(this.type, this.typeLength);
			this.cachedType = new String(this.cachedTypeBytes, StandardCharsets.UTF_8);
		}
		return this.cachedType;
	}

	private static boolean is(byte[] buf, int start, int length, byte[] name) {
		return length == name.length && Arrays.equals(buf, start, start + length, name, 0, length);
	}

	private static int indexOf(byte[] buf, int start, int end, byte value) {
		for (int i = start; i < end; i++) {
			if (buf[i] == value) {
				return i;
			}
		}
		return -1;
	}

	private static byte[] ensure(byte[] buffer, int capacity) {
		if (capacity <= buffer.length) {
			return buffer;
		}
		return Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
