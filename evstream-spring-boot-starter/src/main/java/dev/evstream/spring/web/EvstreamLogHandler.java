package dev.evstream.spring.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.ModelNames;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogAppendRequest;
import dev.evstream.core.log.EvLogEntry;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogs;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Appends to event logs over plain HTTP, beside the stream that carries their events on
 * the log's channel {@code <name>}.
 * <p>
 * {@code POST {evstream.path}/logs/{name}} with a JSON body
 * {@code {"type":"claim","payload":…,"eventId":"e1","connectionId":"…"}}
 * ({@code payload}, {@code eventId} and {@code connectionId} optional) answers
 * {@code 200} with {@code {"sequence", "eventId"}}: the sequence the event got, also for
 * a retried event id, which is appended once. The event is validated against the log's
 * latest state; the token may only be an {@code Authorization: Bearer} header, and the
 * application's {@link EvLogAppendAuthorizer} must allow the append: without one, clients
 * cannot append. Refusals are problem details and append nothing: {@code 400} for a body
 * that is no JSON or no event, a bad name or event id, {@code 401} for a missing or
 * rejected token, {@code 403} when no authorizer allows the append, {@code 404} for an
 * unknown log (told only to whom the authorizer allows the append), {@code 422} when the
 * log rejects the event, with the reason as detail (the connection named by
 * {@code connectionId} is also sent an {@code invalidate} message), {@code 503} when the
 * store cannot be reached.
 *
 * @since 0.1.0
 */
public final class EvstreamLogHandler {

	private final EvLogs logs;

	private final RequestPrincipals principals;

	private final @Nullable EvLogAppendAuthorizer authorizer;

	private final ObjectMapper jsonMapper;

	private final Duration retryAfter;

	EvstreamLogHandler(EvLogs logs, RequestPrincipals principals, @Nullable EvLogAppendAuthorizer authorizer,
			ObjectMapper jsonMapper, Duration retryAfter) {
		this.logs = logs;
		this.principals = principals;
		this.authorizer = authorizer;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code POST {evstream.path}/logs/{name}}.
	 * @param request the request
	 * @return the sequence of the event, or a problem detail
	 */
	public Mono<ServerResponse> append(ServerRequest request) {
		String name = request.pathVariable("name");
		return this.principals.ofWrite(request)
			.flatMap((principal) -> authorizer(name).flatMap((authorizer) -> event(request, name)
				.flatMap((event) -> authorize(authorizer, principal, name, event)
					.then(Mono.defer(() -> log(name).appendFromClient(event, principal))))))
			.flatMap((entry) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body(entry)))
			.onErrorResume((ex) -> refused(ex, request));
	}

	/**
	 * Handles any other method at the path of a log: {@code 405} with
	 * {@code Allow: POST}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST,
				"append an event with POST and a JSON body such as {\"type\":\"…\",\"payload\":{…}};"
						+ " read the log on the stream");
	}

	private Mono<EvLogAppendAuthorizer> authorizer(String name) {
		EvLogAppendAuthorizer authorizer = this.authorizer;
		if (authorizer == null) {
			return Mono.error(new Refusal(HttpStatus.FORBIDDEN, "Log '" + name
					+ "' does not accept events from clients: the application defines no EvLogAppendAuthorizer"));
		}
		return Mono.just(authorizer);
	}

	private Mono<EvLogAppendRequest> event(ServerRequest request, String name) {
		return JsonRequestBodies
			.read(request, this.jsonMapper,
					"A JSON body is required, such as {\"type\":\"…\",\"payload\":{…},\"eventId\":\"…\"}", "JSON")
			.map((json) -> {
				// before the authorizer is asked about a log that cannot exist
				ModelNames.log(name);
				return EvLogAppendRequest.fromJson(json);
			});
	}

	private static Mono<Void> authorize(EvLogAppendAuthorizer authorizer, EvPrincipal principal, String name,
			EvLogAppendRequest event) {
		return Mono.fromRunnable(() -> {
			if (!authorizer.allows(principal, name, event)) {
				throw new Refusal(HttpStatus.FORBIDDEN, "Not allowed to append to log '" + name + "'");
			}
		});
	}

	private EvLog<?> log(String name) {
		EvLog<?> log = this.logs.find(name);
		if (log == null) {
			throw new Refusal(HttpStatus.NOT_FOUND, "There is no log '" + name + "'");
		}
		return log;
	}

	private Mono<ServerResponse> refused(Throwable ex, ServerRequest request) {
		if (ex instanceof EvLogEventRejectedException) {
			return ProblemResponses.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), request);
		}
		return ProblemResponses.refused(ex, request, this.retryAfter);
	}

	private static Map<String, @Nullable Object> body(EvLogEntry entry) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("sequence", entry.sequence());
		body.put("eventId", entry.eventId());
		return body;
	}

}
