package dev.evstream.spring.web;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.ModelNames;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvActionAuthorizer;
import dev.evstream.core.record.EvActionRefusedException;
import dev.evstream.core.record.EvActionRunningException;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecords;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Actions on record sets, and reads of their records, over plain HTTP, beside the stream
 * that carries their changes on the set's channel {@code <name>}.
 * <p>
 * {@code POST {evstream.path}/actions/{name}} with the action as its JSON body and,
 * optionally, the action's operation id in an {@code Idempotency-Key} header, answers
 * {@code 200} with {@code {"records":[…]}}: the records the action changed, also for a
 * retried operation id, whose action runs once. The token may only be an
 * {@code Authorization: Bearer} header, and the application's {@link EvActionAuthorizer}
 * must allow the action: without one, clients cannot send actions. Refusals are problem
 * details and change nothing: {@code 400} for a body that is no JSON or no action of the
 * set, a bad name or operation id, {@code 401} for a missing or rejected token,
 * {@code 403} when no authorizer allows the action, {@code 404} for an unknown record set
 * (told only to whom the authorizer allows the action), {@code 409} while a try with the
 * same operation id still runs, {@code 422} when the set's handler refuses the action,
 * with the reason as detail, {@code 503} when the backend or the application's database
 * cannot be reached or the action timed out.
 * <p>
 * {@code GET {evstream.path}/records/{name}} answers {@code 200} with
 * {@code {"records":[…]}}, every record in id order, soft-deleted ones as
 * {@code "deleted":true}; with {@code ?since=<version>}, only those whose version is
 * above it. The principal is established as for the stream and must be allowed to listen
 * to the set's channel. Refusals: {@code 400} for a bad name or {@code since},
 * {@code 401}, {@code 403} when the principal may not listen to the channel, {@code 404}
 * for an unknown record set, {@code 503}.
 *
 * @since 0.1.0
 */
public final class EvstreamRecordHandler {

	private final EvRecords records;

	private final RequestPrincipals principals;

	private final ListenPermissions permissions;

	private final @Nullable EvActionAuthorizer authorizer;

	private final ObjectMapper jsonMapper;

	private final Duration retryAfter;

	EvstreamRecordHandler(EvRecords records, RequestPrincipals principals, ListenPermissions permissions,
			@Nullable EvActionAuthorizer authorizer, ObjectMapper jsonMapper, Duration retryAfter) {
		this.records = records;
		this.principals = principals;
		this.permissions = permissions;
		this.authorizer = authorizer;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code POST {evstream.path}/actions/{name}}.
	 * @param request the request
	 * @return the changed records, or a problem detail
	 */
	public Mono<ServerResponse> act(ServerRequest request) {
		String name = request.pathVariable("name");
		String operationId = request.headers().firstHeader(EvstreamStateWriteHandler.OPERATION_ID_HEADER);
		return this.principals.ofWrite(request)
			.flatMap((principal) -> authorizer(name).flatMap((authorizer) -> action(request, name)
				.flatMap((action) -> authorize(authorizer, principal, name, action)
					.then(Mono.defer(() -> recordSet(name).actFromClient(action, principal, operationId))))))
			.flatMap((body) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.onErrorResume((ex) -> refused(ex, request));
	}

	/**
	 * Handles {@code GET {evstream.path}/records/{name}}.
	 * @param request the request
	 * @return the records, or a problem detail
	 */
	public Mono<ServerResponse> list(ServerRequest request) {
		String name = request.pathVariable("name");
		return Mono.fromCallable(() -> {
			ModelNames.recordSet(name);
			return since(request);
		})
			.flatMap((since) -> this.principals.ofStream(request)
				.flatMap((principal) -> this.permissions.check(principal, List.of(name)))
				.then(Mono.defer(() -> recordSet(name).loadJson(since))))
			.flatMap((body) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.onErrorResume((ex) -> refused(ex, request));
	}

	/**
	 * Handles any other method at the path of a record set's actions: {@code 405} with
	 * {@code Allow: POST}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> actMethodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST,
				"send an action with POST and a JSON body such as {\"type\":\"…\",\"payload\":{…}}");
	}

	/**
	 * Handles any other method at the path of a record set's records: {@code 405} with
	 * {@code Allow: GET}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> listMethodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.GET,
				"read the records with GET; change them with POST to the set's actions");
	}

	private static long since(ServerRequest request) {
		String since = request.queryParam("since").orElse(null);
		if (since == null) {
			return 0;
		}
		try {
			long version = Long.parseLong(since);
			if (version >= 0) {
				return version;
			}
		}
		catch (NumberFormatException ex) {
			// refused below, as a negative version is
		}
		throw new IllegalArgumentException(
				"'since' must be a version, a whole number of at least 0, but was '" + shown(since) + "'");
	}

	private static String shown(String value) {
		String shown = (value.length() > 20) ? value.substring(0, 20) + "…" : value;
		return shown.replaceAll("[\\p{Cntrl}]", "?");
	}

	private Mono<EvActionAuthorizer> authorizer(String name) {
		EvActionAuthorizer authorizer = this.authorizer;
		if (authorizer == null) {
			return Mono.error(new Refusal(HttpStatus.FORBIDDEN, "Record set '" + name
					+ "' does not accept actions from clients: the application defines no EvActionAuthorizer"));
		}
		return Mono.just(authorizer);
	}

	private Mono<JsonNode> action(ServerRequest request, String name) {
		return JsonRequestBodies
			.read(request, this.jsonMapper, "A JSON body is required: the action, such as {\"type\":\"…\"}", "JSON")
			.map((json) -> {
				// before the authorizer is asked about a record set that cannot exist
				ModelNames.recordSet(name);
				return json;
			});
	}

	private static Mono<Void> authorize(EvActionAuthorizer authorizer, EvPrincipal principal, String name,
			JsonNode action) {
		return Mono.fromRunnable(() -> {
			if (!authorizer.allows(principal, name, action)) {
				throw new Refusal(HttpStatus.FORBIDDEN, "Not allowed to send this action to record set '" + name + "'");
			}
		});
	}

	private EvRecordSet<?, ?> recordSet(String name) {
		EvRecordSet<?, ?> recordSet = this.records.find(name);
		if (recordSet == null) {
			throw new Refusal(HttpStatus.NOT_FOUND, "There is no record set '" + name + "'");
		}
		return recordSet;
	}

	private Mono<ServerResponse> refused(Throwable ex, ServerRequest request) {
		if (ex instanceof EvActionRefusedException) {
			return ProblemResponses.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), request);
		}
		if (ex instanceof EvActionRunningException) {
			return ProblemResponses.of(HttpStatus.CONFLICT, ex.getMessage(), request);
		}
		if (DataAccessFailures.isTransient(ex)) {
			return ProblemResponses.unavailable("The application's database could not be reached", request,
					this.retryAfter);
		}
		return ProblemResponses.refused(ex, request, this.retryAfter);
	}

}
