package dev.evstream.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The fixed events of the protocol, encoded once for the whole process.
 */
final class ControlFrames {

	/**
	 * {@code event: heartbeat} with empty data, as evstream: a named event rather than a
	 * comment, which pages ignore unless they listen for it.
	 */
	static final byte[] HEARTBEAT = "event: heartbeat\ndata:\n\n".getBytes(StandardCharsets.US_ASCII);

	/**
	 * {@code event: end} with empty data, sent before the server closes a stream.
	 */
	static final byte[] END = "event: end\ndata:\n\n".getBytes(StandardCharsets.US_ASCII);

	private ControlFrames() {
	}

	/**
	 * {@code end} with a {@code retry} field in the same block, sent on shutdown so that
	 * clients reconnect, to another instance, after the given delay.
	 */
	static byte[] endWithRetry(Duration retry) {
		return ("retry: " + retry.toMillis() + "\nevent: end\ndata:\n\n").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * {@code event: reset} for a channel whose messages the client missed and cannot be
	 * given.
	 */
	static byte[] reset(String channel, ResetReason reason) {
		// channel names are restricted to characters that need no JSON escaping
		return SseEncoder.encode(null, "reset",
				"{\"channel\":\"" + channel + "\",\"reason\":\"" + reason.code() + "\"}");
	}

}
