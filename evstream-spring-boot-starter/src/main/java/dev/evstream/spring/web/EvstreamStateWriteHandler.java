package dev.evstream.spring.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.EvStateAccessDeniedException;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStateNotFoundException;
import dev.evstream.core.EvStateRemovedException;
import dev.evstream.core.EvStateUpdateRefusedException;
import dev.evstream.core.EvStateVersion;
import dev.evstream.core.EvUnavailableException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Writes from clients to states: {@code POST {evstream.path}/states/{key}} with a JSON
 * merge patch (RFC 7396) as the body ({@code application/merge-patch+json} or
 * {@code application/json}) and, optionally, the write's operation id in an
 * {@code Idempotency-Key} header. The state must be declared with client writes on this
 * instance; its rules and interceptor decide (see
 * {@link EvStateManager#patchFromClient}).
 * <p>
 * Answers {@code 200} with {@code {"key", "version", "value", "operationId"}}: the state
 * after the write, also for a retried operation id, which is applied once. Refusals are
 * problem details and change nothing: {@code 400} for a body that is no JSON or a bad
 * operation id, {@code 401} for a missing or rejected token (only as
 * {@code Authorization: Bearer}: a write takes no token in its query), {@code 403} when
 * the state takes no client writes or its rule refuses the principal, {@code 404} for an
 * unknown state, {@code 422} when the interceptor refuses the patch or the result would
 * not be of the state's type, {@code 503} when the store cannot be reached.
 *
 * @since 0.1.0
 */
public final class EvstreamStateWriteHandler {

	/**
	 * The header that carries the operation id of a write.
	 */
	public static final String OPERATION_ID_HEADER = "Idempotency-Key";

	private final EvStateManager states;

	private final RequestPrincipals principals;

	private final ObjectMapper jsonMapper;

	private final Duration retryAfter;

	EvstreamStateWriteHandler(EvStateManager states, RequestPrincipals principals, ObjectMapper jsonMapper,
			Duration retryAfter) {
		this.states = states;
		this.principals = principals;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code POST {evstream.path}/states/{key}}.
	 * @param request the request
	 * @return the state after the write, or a problem detail
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		String key = request.pathVariable("key");
		if (key.startsWith("/")) {
			key = key.substring(1);
		}
		String stateKey = key;
		String operationId = request.headers().firstHeader(OPERATION_ID_HEADER);
		return this.principals.ofWrite(request)
			.flatMap((principal) -> patch(request)
				.flatMap((patch) -> this.states.patchFromClient(stateKey, patch, principal, operationId)))
			.flatMap((written) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body(written)))
			.onErrorResume(Refusal.class,
					(refusal) -> ProblemResponses.of(refusal.status(), refusal.getMessage(), request))
			.onErrorResume(IllegalArgumentException.class,
					(ex) -> ProblemResponses.of(HttpStatus.BAD_REQUEST, ex.getMessage(), request))
			.onErrorResume(EvStateNotFoundException.class,
					(ex) -> ProblemResponses.of(HttpStatus.NOT_FOUND, ex.getMessage(), request))
			.onErrorResume(EvStateRemovedException.class,
					(ex) -> ProblemResponses.of(HttpStatus.NOT_FOUND, ex.getMessage(), request))
			.onErrorResume(EvStateAccessDeniedException.class,
					(ex) -> ProblemResponses.of(HttpStatus.FORBIDDEN, ex.getMessage(), request))
			.onErrorResume(EvStateUpdateRefusedException.class,
					(ex) -> ProblemResponses.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), request))
			.onErrorResume(EvUnavailableException.class,
					(ex) -> ProblemResponses.unavailable(ex.getMessage(), request, this.retryAfter));
	}

	/**
	 * Handles any other method at the path of a state: {@code 405} with
	 * {@code Allow: POST}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST,
				"write a state with POST and a JSON merge patch; read it on the stream");
	}

	private Mono<JsonNode> patch(ServerRequest request) {
		return JsonRequestBodies.read(request, this.jsonMapper,
				"A JSON merge patch is required as the body, for example {\"title\": \"New title\"}",
				"a JSON merge patch");
	}

	private static Map<String, Object> body(EvStateVersion written) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("key", written.key());
		body.put("version", written.version());
		body.put("value", written.value());
		body.put("operationId", written.operationId());
		return body;
	}

}
