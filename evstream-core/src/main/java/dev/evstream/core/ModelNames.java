package dev.evstream.core;

/**
 * The rules for the names of the models built on channels: collection streams and groups,
 * and event logs, are 1 to 64 characters, collection items 1 to 128, from
 * {@code A-Z a-z 0-9 _ . : @ -}. A group's channel {@code <stream>/<group>} and a log's
 * channel are then valid channel names, and names need no escaping in JSON, URLs or Redis
 * keys. Endpoints check names here before they ask who may use them.
 *
 * @since 0.1.0
 */
public final class ModelNames {

	private static final int MAX_NAME_LENGTH = 64;

	private static final int MAX_ID_LENGTH = 128;

	private ModelNames() {
	}

	/**
	 * Checks a stream name.
	 * @param stream the name
	 * @return the name
	 * @throws IllegalArgumentException if it does not follow the rule
	 */
	public static String stream(String stream) {
		return check("Stream name", stream, MAX_NAME_LENGTH);
	}

	/**
	 * Checks a group name.
	 * @param group the name
	 * @return the name
	 * @throws IllegalArgumentException if it does not follow the rule
	 */
	public static String group(String group) {
		return check("Group name", group, MAX_NAME_LENGTH);
	}

	/**
	 * Checks an event log's name.
	 * @param log the name
	 * @return the name
	 * @throws IllegalArgumentException if it does not follow the rule
	 */
	public static String log(String log) {
		return check("Log name", log, MAX_NAME_LENGTH);
	}

	/**
	 * Checks a record set's name.
	 * @param recordSet the name
	 * @return the name
	 * @throws IllegalArgumentException if it does not follow the rule
	 */
	public static String recordSet(String recordSet) {
		return check("Record set name", recordSet, MAX_NAME_LENGTH);
	}

	/**
	 * Returns whether a name is a valid stream, group, log or record set name.
	 * @param name the name
	 * @return whether it follows the rule
	 */
	public static boolean isValidName(String name) {
		return isValid(name, MAX_NAME_LENGTH);
	}

	/**
	 * Checks an item id.
	 * @param id the id
	 * @return the id
	 * @throws IllegalArgumentException if it does not follow the rule
	 */
	public static String id(String id) {
		return check("Item id", id, MAX_ID_LENGTH);
	}

	private static String check(String what, String name, int maxLength) {
		if (name == null) {
			throw new IllegalArgumentException(what + " must not be null");
		}
		if (!isValid(name, maxLength)) {
			String shown = (name.length() > 40) ? name.substring(0, 40) + "…" : name;
			throw new IllegalArgumentException(what + " '" + shown.replaceAll("[\\p{Cntrl}]", "?")
					+ "' is invalid: use 1 to " + maxLength + " characters from A-Z a-z 0-9 _ . : @ -");
		}
		return name;
	}

	private static boolean isValid(String name, int maxLength) {
		if (name.isEmpty() || name.length() > maxLength) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
					|| c == '.' || c == ':' || c == '@' || c == '-';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

}
