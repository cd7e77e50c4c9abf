package dev.evstream.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of a Server-Sent Events byte stream that follows the WHATWG
 * interpretation rules: a leading BOM is skipped, CRLF, LF or CR end a line (a CRLF split
 * between two chunks included), a line that starts with a colon is a comment, one space
 * after the colon is dropped, {@code data} lines are joined with LF, an {@code id} with
 * NUL is ignored, a {@code retry} that is not all digits is ignored, and an event without
 * data is not dispatched.
 * <p>
 * It works on bytes and decodes text only when asked: line ends are ASCII and can never
 * be part of a multi-byte UTF-8 sequence, so a character split between two chunks is
 * simply carried over. Not thread-safe: one parser per connection.
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

	private final SseEvent event = new SseEvent();

	private byte[] line = new byte[128];

	private int lineLength;

	private boolean lastWasCr;

	// bytes of a leading BOM matched so far, -1 once past the start of the stream
	private int bomMatched;

	private byte[] data = new byte[512];

	private int dataLength;

	private byte[] type = new byte[32];

	private int typeLength;

	private byte[] lastEventId = new byte[32];

	private int lastEventIdLength;

	private byte[] cachedTypeBytes = new byte[0];

	private String cachedType = "";

	/**
	 * Creates a parser for one stream.
	 * @param listener what receives the events
	 */
	public SseParser(SseListener listener) {
		this.listener = listener;
	}

	/**
	 * Parses the next chunk of the stream.
	 * @param bytes the buffer
	 * @param offset where the chunk starts
	 * @param length the length of the chunk
	 */
	public void feed(byte[] bytes, int offset, int length) {
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
				this.lastEventId = ensure(this.lastEventId, valueLength);
				System.arraycopy(buf, valueStart, this.lastEventId, 0, valueLength);
				this.lastEventIdLength = valueLength;
			}
		}
		else if (is(buf, start, nameLength, RETRY)) {
			retry(buf, valueStart, end);
		}
	}

	private void retry(byte[] buf, int start, int end) {
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
		this.listener.onRetry(millis);
	}

	private void dispatch() {
		if (this.dataLength == 0) {
			this.typeLength = 0;
			return;
		}
		String eventType = (this.typeLength == 0) ? "message" : typeString();
		// the LF that ended the last data line is not part of the data
		this.event.set(eventType, this.data, this.dataLength - 1, this.lastEventId, this.lastEventIdLength);
		this.dataLength = 0;
		this.typeLength = 0;
		this.listener.onEvent(this.event);
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
