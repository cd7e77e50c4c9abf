package dev.evstream.core;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The event ids evstream writes, which a client sends back as {@code Last-Event-ID} to
 * resume. An id holds the position of the connection in each of its channels, so one id
 * resumes them all: {@code <token>.<sequence>} per channel, joined by {@code _}, where
 * the token is a 32-bit hash of the channel name and both parts are base 36. A connection
 * with no channel writes {@code -}. Ids are opaque to clients and stay under 1 KB for up
 * to 48 channels.
 */
final class EventIds {

	/**
	 * The longest id accepted from a client.
	 */
	static final int MAX_LENGTH = 1024;

	static final String EMPTY = "-";

	private EventIds() {
	}

	static String token(String channel) {
		int h = channel.hashCode();
		// murmur3's finalizer spreads names that differ in one character
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return Long.toString(h & 0xffffffffL, 36);
	}

	static String single(String token, long sequence) {
		return token + '.' + Long.toString(sequence, 36);
	}

	static void append(StringBuilder id, String token, long sequence) {
		if (id.length() > 0) {
			id.append('_');
		}
		id.append(token).append('.').append(Long.toString(sequence, 36));
	}

	/**
	 * Reads an id sent by a client.
	 * @param id the id
	 * @return the sequence for each channel token, or {@code null} if the id is not one
	 * evstream wrote
	 */
	static @Nullable Map<String, Long> parse(String id) {
		if (id.isEmpty() || id.length() > MAX_LENGTH) {
			return null;
		}
		if (EMPTY.equals(id)) {
			return Map.of();
		}
		Map<String, Long> positions = new HashMap<>();
		for (String part : id.split("_", -1)) {
			int dot = part.indexOf('.');
			if (dot <= 0 || dot == part.length() - 1 || dot > 7) {
				return null;
			}
			String token = part.substring(0, dot);
			Long sequence = parseBase36(part.substring(dot + 1));
			if (!isBase36(token) || sequence == null || positions.put(token, sequence) != null) {
				return null;
			}
		}
		return positions;
	}

	private static @Nullable Long parseBase36(String text) {
		if (text.length() > 13 || !isBase36(text)) {
			return null;
		}
		try {
			return Long.parseLong(text, 36);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static boolean isBase36(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
				return false;
			}
		}
		return !text.isEmpty();
	}

}
