package dev.evstream.core;

import java.security.SecureRandom;

import org.jspecify.annotations.Nullable;

/**
 * The incarnation of a state, which the stores keep as an opaque string, also tells when
 * that life of the state began and when it expires:
 * {@code <createdAtMillis>.<expiresAtMillis or empty>.<random>}, numbers in base 36.
 * Every instance loads every state, so every instance learns both without the stores
 * keeping anything more, even for states it never declared.
 * <p>
 * Incarnations written before this format (one base-36 number) tell neither: their
 * creation time is the time an instance first saw them, and they never expire.
 */
final class StateIncarnation {

	/**
	 * No expiry.
	 */
	static final long NEVER = -1;

	private static final SecureRandom random = new SecureRandom();

	private StateIncarnation() {
	}

	/**
	 * Makes a new incarnation.
	 * @param createdAt the creation time, in epoch milliseconds
	 * @param expiresAt the expiry, in epoch milliseconds, or {@link #NEVER}
	 */
	static String create(long createdAt, long expiresAt) {
		return Long.toString(createdAt, 36) + '.' + ((expiresAt != NEVER) ? Long.toString(expiresAt, 36) : "") + '.'
				+ Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
	}

	/**
	 * Returns the creation time an incarnation tells.
	 * @return epoch milliseconds, or {@code null} for an incarnation of the old format
	 */
	static @Nullable Long createdAt(String incarnation) {
		String[] parts = parts(incarnation);
		return (parts != null) ? parse(parts[0]) : null;
	}

	/**
	 * Returns the expiry an incarnation tells.
	 * @return epoch milliseconds, or {@link #NEVER}
	 */
	static long expiresAt(String incarnation) {
		String[] parts = parts(incarnation);
		if (parts == null || parts[1].isEmpty()) {
			return NEVER;
		}
		Long expiresAt = parse(parts[1]);
		return (expiresAt != null) ? expiresAt : NEVER;
	}

	private static String @Nullable [] parts(String incarnation) {
		String[] parts = incarnation.split("\\.", -1);
		return (parts.length == 3 && !parts[0].isEmpty() && !parts[2].isEmpty()) ? parts : null;
	}

	private static @Nullable Long parse(String base36) {
		if (base36.isEmpty() || base36.length() > 13) {
			return null;
		}
		try {
			long value = Long.parseLong(base36, 36);
			return (value >= 0) ? value : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
