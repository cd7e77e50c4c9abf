package dev.evstream.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.evstream.core.EvMaxListenersException;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Changes the channels of an open connection without reconnecting: {@code POST
 * {evstream.path}/subscriptions} with {@code {"connectionId": "…", "add": ["a"],
 * "remove": ["b"]}}. Only the principal that opened the connection may change it, and an
 * added channel is checked as at connect. The added channels' states are sent at once,
 * and the stream's ids then resume them too.
 * <p>
 * Answers {@code 200} with {@code {"connectionId", "channels"}}; refusals are problem
 * details and change nothing: {@code 400} for a bad body, channel name or too many
 * channels, {@code 401} for a missing or rejected token, {@code 403} for a channel the
 * principal may not read or a connection another principal opened, {@code 404} when this
 * instance holds no open connection with that id (another replica may: the client then
 * reconnects with its channels and its last event id, which loses nothing), {@code 503}
 * when a channel has its maximum of listeners.
 *
 * @since 0.1.0
 */
public final class EvstreamSubscriptionHandler {

	private final EvStreamManager manager;

	private final RequestPrincipals principals;

	private final ListenPermissions permissions;

	private final ObjectMapper jsonMapper;

	private final Duration retryAfter;

	EvstreamSubscriptionHandler(EvStreamManager manager, RequestPrincipals principals, ListenPermissions permissions,
			ObjectMapper jsonMapper, Duration retryAfter) {
		this.manager = manager;
		this.principals = principals;
		this.permissions = permissions;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code POST {evstream.path}/subscriptions}.
	 * @param request the request
	 * @return the connection's channels after the change, or a problem detail
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		return this.principals.ofWrite(request)
			.flatMap((principal) -> change(request).flatMap((change) -> apply(change, principal)))
			.flatMap((stream) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body(stream)))
			.onErrorResume(Refusal.class,
					(refusal) -> ProblemResponses.of(refusal.status(), refusal.getMessage(), request))
			.onErrorResume(IllegalArgumentException.class,
					(ex) -> ProblemResponses.of(HttpStatus.BAD_REQUEST, ex.getMessage(), request))
			.onErrorResume(EvMaxListenersException.class,
					(ex) -> ProblemResponses.unavailable(ex.getMessage(), request, this.retryAfter));
	}

	/**
	 * Handles any other method at the path: {@code 405} with {@code Allow: POST}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST,
				"change the channels of a connection with POST");
	}

	private Mono<EvStream> apply(Change change, EvPrincipal principal) {
		EvStream stream = this.manager.findStream(change.connectionId());
		if (stream == null) {
			return Mono.error(new Refusal(HttpStatus.NOT_FOUND, "No open connection '" + change.connectionId()
					+ "' on this instance: reconnect with the channels and the last event id"));
		}
		if (!stream.principal().name().equals(principal.name())) {
			return Mono.error(new Refusal(HttpStatus.FORBIDDEN,
					"Connection '" + change.connectionId() + "' was opened by another principal"));
		}
		Set<String> after = new LinkedHashSet<>(stream.channels());
		after.addAll(change.add());
		after.removeAll(change.remove());
		if (!after.isEmpty()) {
			// checks the names and the limit per connection before anything changes
			this.manager.checkChannels(new ArrayList<>(after));
		}
		return this.permissions.check(principal, change.add()).then(Mono.fromCallable(() -> {
			listenAll(stream, change.add());
			change.remove().forEach(stream::unlisten);
			return stream;
		}));
	}

	/**
	 * Adds every channel, or none: a channel at its listener limit undoes the others.
	 */
	private static void listenAll(EvStream stream, List<String> channels) {
		List<String> added = new ArrayList<>();
		try {
			for (String channel : channels) {
				if (!stream.channels().contains(channel)) {
					stream.listen(channel);
					added.add(channel);
				}
			}
		}
		catch (RuntimeException ex) {
			added.forEach(stream::unlisten);
			throw ex;
		}
	}

	private Mono<Change> change(ServerRequest request) {
		return JsonRequestBodies
			.read(request, this.jsonMapper,
					"A JSON body {\"connectionId\": \"…\", \"add\": […], \"remove\": […]} is required", "JSON")
			.map(EvstreamSubscriptionHandler::read);
	}

	private static Change read(JsonNode json) {
		if (!json.isObject()) {
			throw new IllegalArgumentException(
					"The body must be a JSON object with 'connectionId', 'add' and 'remove'");
		}
		for (String name : json.propertyNames()) {
			if (!Set.of("connectionId", "add", "remove").contains(name)) {
				throw new IllegalArgumentException(
						"Unknown field '" + name + "': only 'connectionId', 'add' and 'remove' are accepted");
			}
		}
		JsonNode connectionId = json.get("connectionId");
		if (connectionId == null || !connectionId.isString() || connectionId.stringValue().isEmpty()) {
			throw new IllegalArgumentException("'connectionId' is required: the id the 'connected' event gave");
		}
		return new Change(connectionId.stringValue(), names(json, "add"), names(json, "remove"));
	}

	private static List<String> names(JsonNode json, String field) {
		JsonNode list = json.get(field);
		if (list == null || list.isNull()) {
			return List.of();
		}
		if (!list.isArray()) {
			throw new IllegalArgumentException("'" + field + "' must be an array of channel names");
		}
		List<String> names = new ArrayList<>();
		for (JsonNode name : list) {
			if (!name.isString()) {
				throw new IllegalArgumentException("'" + field + "' must hold channel names as strings");
			}
			names.add(name.stringValue());
		}
		return names;
	}

	private static Map<String, Object> body(EvStream stream) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("connectionId", stream.id());
		body.put("channels", stream.channels());
		return body;
	}

	/**
	 * The channels to add to and remove from a connection.
	 */
	private record Change(String connectionId, List<String> add, List<String> remove) {
	}

}
