package dev.evstream.sample;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.evstream.test.SseEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * A record set as a client keeps it, built from the events of its channel with the
 * client's rules: a snapshot replaces every entry, and an entry of {@code changes} counts
 * only when its version is above the one known for its id (a deleted entry too, whose
 * version the client keeps). Tests compare it with what the database answers.
 */
final class RecordSetView {

	private final Map<String, JsonNode> entries = new TreeMap<>();

	/**
	 * Builds the view of the events of one record set, in order.
	 * @param events the events, of any type: those of the set count
	 * @param name the record set's name, their event type
	 * @return the view
	 */
	static RecordSetView of(List<SseEvent> events, String name) {
		RecordSetView view = new RecordSetView();
		for (SseEvent event : events) {
			if (event.event().equals(name)) {
				view.apply(JsonMapper.shared().readTree(event.data()));
			}
		}
		return view;
	}

	/**
	 * Applies one event of the set's channel.
	 * @param data its data
	 */
	void apply(JsonNode data) {
		String op = data.path("op").asString();
		if (op.equals("snapshot")) {
			this.entries.clear();
		}
		for (JsonNode entry : data.path("records")) {
			JsonNode known = this.entries.get(entry.path("id").asString());
			if (known == null || entry.path("version").asLong() > known.path("version").asLong()) {
				this.entries.put(entry.path("id").asString(), entry);
			}
		}
	}

	/**
	 * Returns the entries as the server lists them: {@code {"records":[…]}}, in id order,
	 * deleted ones included.
	 * @return the listing
	 */
	JsonNode listing() {
		ArrayNode records = JsonMapper.shared().createArrayNode();
		this.entries.values().forEach(records::add);
		return JsonMapper.shared().createObjectNode().set("records", records);
	}

	/**
	 * Returns the entry of one record.
	 * @param id its id
	 * @return the entry, or {@code null} when none came
	 */
	JsonNode entry(String id) {
		return this.entries.get(id);
	}

}
