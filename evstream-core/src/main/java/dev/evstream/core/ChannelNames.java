package dev.evstream.core;

/**
 * The rule for channel names (and so state keys): 1 to 128 characters from
 * {@code A-Z a-z 0-9 _ . : / @ -}. The rule keeps names safe in URLs, SSE event names,
 * Redis keys and log lines.
 *
 * @since 0.1.0
 */
public final class ChannelNames {

	/**
	 * The longest name allowed.
	 */
	public static final int MAX_LENGTH = 128;

	private ChannelNames() {
	}

	/**
	 * Returns whether a name follows the rule.
	 * @param name the name
	 * @return whether it is valid
	 */
	public static boolean isValid(String name) {
		if (name.isEmpty() || name.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			if (!isAllowed(name.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Checks a name.
	 * @param name the name
	 * @return the name
	 * @throws IllegalArgumentException if the name does not follow the rule
	 */
	public static String check(String name) {
		if (name == null || !isValid(name)) {
			throw new IllegalArgumentException(describeInvalid(name));
		}
		return name;
	}

	/**
	 * Describes why a name is invalid, without repeating more than the start of it.
	 * @param name the invalid name
	 * @return the message
	 */
	static String describeInvalid(String name) {
		if (name == null) {
			return "Channel name must not be null";
		}
		String shown = (name.length() > 40) ? name.substring(0, 40) + "…" : name;
		return "Channel name '" + shown.replaceAll("[\\p{Cntrl}]", "?") + "' is invalid: use 1 to " + MAX_LENGTH
				+ " characters from A-Z a-z 0-9 _ . : / @ -";
	}

	private static boolean isAllowed(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
				|| c == ':' || c == '/' || c == '@' || c == '-';
	}

}
