package dev.evstream.core.record;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.evstream.core.EvStream;
import dev.evstream.core.record.TodoTable.Todo;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseRecording;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a stream's output as the endpoint writes it, parses it as a browser, and builds a
 * record set's records from its events as the client does: per id, the highest version
 * seen, tombstones included; a snapshot replaces everything.
 */
final class RecordListener extends BaseSubscriber<List<byte[]>> {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final SseRecording recording = new SseRecording();

	private RecordListener() {
	}

	static RecordListener of(EvStream stream) {
		RecordListener listener = new RecordListener();
		stream.output().subscribe(listener);
		return listener;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	protected void hookOnNext(List<byte[]> batch) {
		batch.forEach(this.recording::feed);
	}

	List<SseEvent> events() {
		return this.recording.events();
	}

	List<SseEvent> events(String type) {
		return this.recording.events(type);
	}

	List<String> data(String type) {
		return this.recording.data(type);
	}

	String lastEventId() {
		return this.recording.lastEventId();
	}

	List<SseEvent> await(Predicate<List<SseEvent>> condition) {
		return this.recording.await(condition, TIMEOUT);
	}

	/**
	 * Waits until the listener has a number of events of a record set.
	 */
	List<String> awaitData(String recordSet, int count) {
		await((events) -> events.stream().filter((event) -> event.event().equals(recordSet)).count() >= count);
		return data(recordSet);
	}

	/**
	 * The records as a client builds them from a record set's events.
	 */
	Map<String, Known> view(JsonMapper json, String recordSet) {
		return view(json, data(recordSet));
	}

	static Map<String, Known> view(JsonMapper json, List<String> events) {
		Map<String, Known> records = new TreeMap<>();
		for (String data : events) {
			JsonNode event = json.readTree(data);
			String op = event.get("op").asString();
			if (op.equals("snapshot")) {
				records.clear();
			}
			for (JsonNode entry : event.get("records")) {
				String id = entry.get("id").asString();
				long version = entry.get("version").asLong();
				Known known = records.get(id);
				if (known != null && version <= known.version()) {
					continue;
				}
				boolean deleted = entry.has("deleted") && entry.get("deleted").asBoolean();
				Todo record = deleted ? null : json.treeToValue(entry.get("record"), Todo.class);
				records.put(id, new Known(version, deleted, record));
			}
		}
		return records;
	}

	/**
	 * The rows of a table as a client should hold them.
	 */
	static Map<String, Known> expected(Map<String, Todo> rows) {
		Map<String, Known> records = new TreeMap<>();
		rows.forEach((id, row) -> records.put(id, new Known(row.version(), row.deleted(), row.deleted() ? null : row)));
		return records;
	}

	/**
	 * What a client holds for one id.
	 */
	record Known(long version, boolean deleted, @Nullable Todo record) {

	}

}
