package dev.evstream.core.collection;

import java.util.Comparator;
import java.util.List;

import dev.evstream.core.store.StoredItem;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The data of the events a group's channel carries, as JSON text: built from the items'
 * stored JSON without parsing it again. Ids, operation ids and names follow rules that
 * need no escaping; custom event types are escaped.
 */
final class ChangeEvents {

	private static final Comparator<StoredItem> BY_ID = Comparator.comparing(StoredItem::id);

	private ChangeEvents() {
	}

	static String change(String op, String id, @Nullable String json, @Nullable String operationId) {
		StringBuilder event = new StringBuilder(48 + ((json != null) ? json.length() : 0));
		event.append("{\"op\":\"").append(op).append("\",\"id\":\"").append(id).append('"');
		if (json != null) {
			event.append(",\"data\":").append(json);
		}
		if (operationId != null) {
			event.append(",\"operationId\":\"").append(operationId).append('"');
		}
		return event.append('}').toString();
	}

	static String custom(String type, String dataJson) {
		StringBuilder event = new StringBuilder(32 + type.length() + dataJson.length());
		event.append("{\"op\":\"event\",\"type\":\"");
		JsonStringEncoder.getInstance().quoteAsString(type, event);
		return event.append("\",\"data\":").append(dataJson).append('}').toString();
	}

	static String snapshot(List<StoredItem> items) {
		StringBuilder event = new StringBuilder(32 + 64 * items.size());
		event.append("{\"op\":\"snapshot\",\"items\":");
		appendItems(event, items);
		return event.append('}').toString();
	}

	static String items(List<StoredItem> items) {
		StringBuilder array = new StringBuilder(2 + 64 * items.size());
		appendItems(array, items);
		return array.toString();
	}

	static List<StoredItem> sorted(List<StoredItem> items) {
		return items.stream().sorted(BY_ID).toList();
	}

	private static void appendItems(StringBuilder target, List<StoredItem> items) {
		target.append('[');
		boolean first = true;
		for (StoredItem item : sorted(items)) {
			if (!first) {
				target.append(',');
			}
			first = false;
			target.append("{\"id\":\"").append(item.id()).append("\",\"data\":").append(item.json()).append('}');
		}
		target.append(']');
	}

}
