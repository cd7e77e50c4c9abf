package dev.evstream.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chat: {@code POST /api/chat} with {@code {"user": "…", "text": "…"}} broadcasts the
 * message as {@code event: chat} on channel {@code chat}.
 *
 * @since 0.1.0
 */
@RestController
public class ChatController {

	static final int MAX_TEXT = 1000;

	static final int MAX_USER = 64;

	private final EvStreamManager streams;

	private final JsonBodies bodies;

	ChatController(EvStreamManager streams, JsonBodies bodies) {
		this.streams = streams;
		this.bodies = bodies;
	}

	@PostMapping("/api/chat")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Map<String, String>> post(@RequestBody(required = false) @Nullable String body) {
		JsonNode json = this.bodies.object(body);
		if (json == null) {
			throw new IllegalArgumentException("A JSON body {\"user\": \"…\", \"text\": \"…\"} is required");
		}
		this.bodies.onlyFields(json, "user", "text");
		Map<String, String> message = new LinkedHashMap<>();
		message.put("user", text(json, "user", MAX_USER));
		message.put("text", text(json, "text", MAX_TEXT));
		return this.streams.send("chat", EvMessage.of("chat", message)).thenReturn(message);
	}

	private static String text(JsonNode json, String field, int max) {
		JsonNode value = json.get(field);
		if (value == null || value.isNull()) {
			throw new IllegalArgumentException("'" + field + "' is required");
		}
		if (!value.isString()) {
			throw new IllegalArgumentException(
					"'" + field + "' must be a string, but was " + JsonBodies.describe(value));
		}
		String text = value.stringValue();
		if (text.isBlank()) {
			throw new IllegalArgumentException("'" + field + "' must not be blank");
		}
		if (text.length() > max) {
			throw new IllegalArgumentException(
					"'" + field + "' must be at most " + max + " characters, but has " + text.length());
		}
		return text;
	}

}
