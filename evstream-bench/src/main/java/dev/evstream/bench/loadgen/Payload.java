package dev.evstream.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The body of one published message: the run it belongs to, whether it is counted, its
 * sequence number and the publisher's {@link System#nanoTime()} when it was sent, padded
 * to a fixed size. Sequence numbers make losses and duplicates exact, and the send time
 * gives the latency on the load generator's own clock.
 * <p>
 * The text is {@code EVB1 <run hex> <M|W> <sequence> <nanos> xxx…}: letters, digits and
 * spaces only, so it passes unchanged through a JSON string (the state path wraps it in
 * {@code {"value":"…"}}) and is found wherever it sits in the data.
 *
 * @param run the id of the load generator's run, so that a snapshot left by an earlier
 * run is not counted
 * @param measured whether the message is in the measured window rather than the warm-up
 * @param sequence the sequence number within its phase
 * @param sentNanos the publisher's clock when it was sent
 * @since 0.1.0
 */
public record Payload(long run, boolean measured, long sequence, long sentNanos) {

	private static final byte[] MARKER = "EVB1 ".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Encodes the payload, padded with {@code x} to the given size.
	 * @param size the size in bytes
	 * @return the bytes, ASCII
	 * @throws IllegalArgumentException if the fields do not fit in the size
	 */
	public byte[] encode(int size) {
		String fields = "EVB1 " + Long.toHexString(this.run) + (this.measured ? " M " : " W ") + this.sequence + " "
				+ this.sentNanos + " ";
		if (fields.length() > size) {
			throw new IllegalArgumentException(
					"A payload needs at least " + fields.length() + " bytes, but the size is " + size);
		}
		byte[] bytes = new byte[size];
		Arrays.fill(bytes, (byte) 'x');
		byte[] head = fields.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(head, 0, bytes, 0, head.length);
		return bytes;
	}

	/**
	 * Finds and decodes a payload in the data of an event.
	 * @param data the buffer
	 * @param length the length of the data in the buffer
	 * @return the payload, or {@code null} if the data holds none
	 */
	public static @Nullable Payload decode(byte[] data, int length) {
		int start = indexOf(data, length, MARKER);
		if (start < 0) {
			return null;
		}
		Cursor cursor = new Cursor(data, start + MARKER.length, length);
		long run = cursor.hex();
		if (run == Long.MIN_VALUE || cursor.at >= length) {
			return null;
		}
		byte phase = data[cursor.at];
		if ((phase != 'M' && phase != 'W') || !cursor.skip(2)) {
			return null;
		}
		long sequence = cursor.decimal();
		long sent = cursor.decimal();
		if (sequence == Long.MIN_VALUE || sent == Long.MIN_VALUE) {
			return null;
		}
		return new Payload(run, phase == 'M', sequence, sent);
	}

	/**
	 * Decodes the payload of a whole text, for tests and tools.
	 * @param text the data of an event
	 * @return the payload, or {@code null} if the text holds none
	 */
	public static @Nullable Payload decode(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return decode(bytes, bytes.length);
	}

	private static int indexOf(byte[] data, int length, byte[] marker) {
		outer: for (int i = 0; i + marker.length <= length; i++) {
			for (int j = 0; j < marker.length; j++) {
				if (data[i + j] != marker[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * Reads space-terminated numbers; {@link Long#MIN_VALUE} means malformed.
	 */
	private static final class Cursor {

		private final byte[] data;

		private final int end;

		private int at;

		Cursor(byte[] data, int at, int end) {
			this.data = data;
			this.at = at;
			this.end = end;
		}

		boolean skip(int count) {
			this.at += count;
			return this.at <= this.end && this.data[this.at - 1] == ' ';
		}

		long hex() {
			long value = 0;
			int digits = 0;
			while (this.at < this.end && this.data[this.at] != ' ') {
				int digit = Character.digit(this.data[this.at], 16);
				if (digit < 0 || ++digits > 16) {
					return Long.MIN_VALUE;
				}
				value = (value << 4) | digit;
				this.at++;
			}
			return (digits == 0 || !skip(1)) ? Long.MIN_VALUE : value;
		}

		long decimal() {
			boolean negative = this.at < this.end && this.data[this.at] == '-';
			if (negative) {
				this.at++;
			}
			long value = 0;
			int digits = 0;
			while (this.at < this.end && this.data[this.at] != ' ') {
				byte b = this.data[this.at];
				if (b < '0' || b > '9' || ++digits > 18) {
					return Long.MIN_VALUE;
				}
				value = value * 10 + (b - '0');
				this.at++;
			}
			if (digits == 0 || !skip(1)) {
				return Long.MIN_VALUE;
			}
			return negative ? -value : value;
		}

	}

}
