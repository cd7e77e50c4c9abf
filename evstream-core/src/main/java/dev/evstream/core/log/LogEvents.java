package dev.evstream.core.log;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The data of a log's events, as JSON text built from the JSON already written, without
 * parsing it again.
 */
final class LogEvents {

	private LogEvents() {
	}

	/**
	 * An event as the log keeps it.
	 */
	static String event(long sequence, String type, String payloadJson, String dispatcher, @Nullable String eventId) {
		StringBuilder event = new StringBuilder(64 + payloadJson.length());
		event.append("{\"sequence\":").append(sequence).append(",\"type\":");
		quote(event, type);
		event.append(",\"payload\":").append(payloadJson).append(",\"dispatcher\":");
		quote(event, dispatcher);
		if (eventId != null) {
			event.append(",\"eventId\":\"").append(eventId).append('"');
		}
		return event.append('}').toString();
	}

	/**
	 * The message that broadcasts an event: its fields after {@code "op":"append"}.
	 */
	static String append(String event) {
		return "{\"op\":\"append\"," + event.substring(1);
	}

	static String history(long baseSequence, String baseState, List<String> events) {
		StringBuilder history = new StringBuilder(64 + baseState.length() + 96 * events.size());
		history.append("{\"op\":\"history\",\"base\":{\"sequence\":")
			.append(baseSequence)
			.append(",\"state\":")
			.append(baseState)
			.append("},\"events\":[");
		for (int i = 0; i < events.size(); i++) {
			if (i > 0) {
				history.append(',');
			}
			history.append(events.get(i));
		}
		return history.append("]}").toString();
	}

	static String invalidate(@Nullable String eventId, String reason) {
		StringBuilder invalidate = new StringBuilder(48 + reason.length());
		invalidate.append("{\"op\":\"invalidate\"");
		if (eventId != null) {
			invalidate.append(",\"eventId\":\"").append(eventId).append('"');
		}
		invalidate.append(",\"reason\":");
		quote(invalidate, reason);
		return invalidate.append('}').toString();
	}

	private static void quote(StringBuilder target, String text) {
		target.append('"');
		JsonStringEncoder.getInstance().quoteAsString(text, target);
		target.append('"');
	}

}
