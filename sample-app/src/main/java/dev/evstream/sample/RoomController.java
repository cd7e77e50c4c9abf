package dev.evstream.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStateOptions;
import dev.evstream.core.EvStateUpdateRefusedException;
import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Rooms: states that last while someone is in them. {@code POST /api/rooms}, with an
 * optional {@code {"topic": "…"}}, creates one under a generated key and answers
 * {@code 201} with {@code {"key": "…"}}; pages join it by listening to that key, change
 * its topic with merge patches to {@code POST /evstream/states/{key}}, and {@code GET
 * /api/rooms/{key}} reads it. A room destroys itself when its last listener leaves (stops
 * listening, closes its page, or is lost with its replica), and at the latest
 * {@code sample.rooms.ttl} after it was created (30 minutes unless set), so that a room
 * nobody joined does not stay: its listeners then get its final event,
 * {@code {"removed":true}}, and reading or writing it answers {@code 404}.
 * <p>
 * The rule is declared on the replica that creates the room, which applies it whichever
 * replica its clients leave from (or are lost with); should that replica stop first, the
 * room ends at its time to live, which every replica that knows the room applies, once.
 *
 * @since 0.1.0
 */
@RestController
@RequestMapping("/api/rooms")
public class RoomController {

	static final int MAX_TOPIC = 80;

	private final EvStateManager states;

	private final JsonBodies bodies;

	private final Duration ttl;

	RoomController(EvStateManager states, JsonBodies bodies, @Value("${sample.rooms.ttl:30m}") Duration ttl) {
		this.states = states;
		this.bodies = bodies;
		this.ttl = ttl;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Map<String, String>> create(@RequestBody(required = false) @Nullable String body) {
		Map<String, String> room = new LinkedHashMap<>();
		room.put("topic", topic(this.bodies.object(body)));
		EvStateOptions options = EvStateOptions.defaults()
			.withClientWrites()
			.interceptStateUpdate(RoomController::check)
			.selfDestruct((clientsLeft, createdAt) -> clientsLeft == 0)
			.ttl(this.ttl);
		return this.states.createState(new TypeReference<Map<String, String>>() {
		}, room, options).map((created) -> Map.of("key", created.key()));
	}

	@GetMapping("/{key}")
	Map<String, Object> get(@PathVariable String key) {
		EvState<?> room = this.states.getState(key);
		if (room == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"Room '" + key + "' does not exist: it destroyed itself when its last client left, or it expired");
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("key", key);
		answer.put("value", room.get());
		return answer;
	}

	private String topic(@Nullable JsonNode body) {
		if (body == null) {
			return "";
		}
		this.bodies.onlyFields(body, "topic");
		JsonNode topic = body.get("topic");
		if (topic == null || topic.isNull()) {
			return "";
		}
		if (!topic.isString()) {
			throw new IllegalArgumentException("'topic' must be a string, but was " + JsonBodies.describe(topic));
		}
		if (topic.stringValue().length() > MAX_TOPIC) {
			throw new IllegalArgumentException(
					"'topic' must be at most " + MAX_TOPIC + " characters, but has " + topic.stringValue().length());
		}
		return topic.stringValue();
	}

	static JsonNode check(JsonNode patch, EvPrincipal principal) {
		if (!patch.isObject()) {
			throw new EvStateUpdateRefusedException("A room takes an object with its 'topic'");
		}
		for (Map.Entry<String, JsonNode> field : patch.properties()) {
			if (!field.getKey().equals("topic")) {
				throw new EvStateUpdateRefusedException("A room has no field '" + field.getKey() + "': only 'topic'");
			}
			if (!field.getValue().isString()) {
				throw new EvStateUpdateRefusedException("'topic' must be a string");
			}
			if (field.getValue().stringValue().length() > MAX_TOPIC) {
				throw new EvStateUpdateRefusedException("'topic' must be at most " + MAX_TOPIC + " characters, but has "
						+ field.getValue().stringValue().length());
			}
		}
		return patch;
	}

}
