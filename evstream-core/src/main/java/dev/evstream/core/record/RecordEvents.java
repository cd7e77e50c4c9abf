package dev.evstream.core.record;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The data of a record set's events, as JSON text built from the records' JSON without
 * parsing it again. A record travels as an entry: {@code {"id","version","record"}}, or
 * {@code {"id","version","deleted":true}} once soft-deleted.
 */
final class RecordEvents {

	private RecordEvents() {
	}

	static String entry(String id, long version, boolean deleted, String recordJson) {
		StringBuilder entry = new StringBuilder(48 + id.length() + (deleted ? 0 : recordJson.length()));
		entry.append("{\"id\":");
		quote(entry, id);
		entry.append(",\"version\":").append(version);
		if (deleted) {
			entry.append(",\"deleted\":true");
		}
		else {
			entry.append(",\"record\":").append(recordJson);
		}
		return entry.append('}').toString();
	}

	/**
	 * Entries as one JSON array, the form in which an action's outcome is kept.
	 */
	static String array(List<String> entries) {
		int length = 2;
		for (String entry : entries) {
			length += entry.length() + 1;
		}
		StringBuilder array = new StringBuilder(length).append('[');
		for (int i = 0; i < entries.size(); i++) {
			if (i > 0) {
				array.append(',');
			}
			array.append(entries.get(i));
		}
		return array.append(']').toString();
	}

	static String snapshot(String entries) {
		return "{\"op\":\"snapshot\",\"records\":" + entries + "}";
	}

	static String changes(String entries, @Nullable String operationId) {
		StringBuilder changes = new StringBuilder(48 + entries.length()).append("{\"op\":\"changes\",\"records\":")
			.append(entries);
		if (operationId != null) {
			// operation ids are checked to need no escaping
			changes.append(",\"operationId\":\"").append(operationId).append('"');
		}
		return changes.append('}').toString();
	}

	/**
	 * The body of an answer over HTTP: the entries, under {@code records}.
	 */
	static String listing(String entries) {
		return "{\"records\":" + entries + "}";
	}

	private static void quote(StringBuilder target, String text) {
		target.append('"');
		JsonStringEncoder.getInstance().quoteAsString(text, target);
		target.append('"');
	}

}
