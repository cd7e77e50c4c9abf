package dev.evstream.spring.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.core.ModelNames;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionItem;
import dev.evstream.core.collection.EvCollectionItemNotFoundException;
import dev.evstream.core.collection.EvCollectionLimitException;
import dev.evstream.core.collection.EvCollectionUpdateException;
import dev.evstream.core.collection.EvCollectionWrite;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Reads and writes of keyed collections over plain HTTP, beside the stream that carries
 * their changes.
 * <p>
 * {@code GET {evstream.path}/collections/{stream}/{group}} answers {@code 200} with the
 * group's items as a JSON array {@code [{"id", "data"}, …]} sorted by id. The principal
 * is established as for the stream (query token or {@code Authorization: Bearer}), and
 * must be allowed to listen to the group's channel {@code <stream>/<group>}. Refusals are
 * problem details: {@code 400} for a bad stream or group name, {@code 401} for a missing
 * or rejected token, {@code 403} when the principal may not listen to the channel,
 * {@code 404} for an unknown collection, {@code 503} when the store cannot be reached.
 * <p>
 * {@code POST {evstream.path}/collections/{stream}/{group}/{id}} with a JSON body
 * {@code {"op":"set","data":…}}, {@code {"op":"update","ops":[…]}} or
 * {@code {"op":"delete"}} and, optionally, the write's operation id in an
 * {@code Idempotency-Key} header, answers {@code 200} with {@code {"id", "data",
 * "operationId"}}: the item after the write ({@code data} is {@code null} after a
 * delete), also for a retried operation id, which is applied once. The token may only be
 * an {@code Authorization: Bearer} header, and the application's
 * {@link EvCollectionWriteAuthorizer} must allow the write: without one, clients cannot
 * write. Refusals are problem details and change nothing: {@code 400} for a body that is
 * no JSON or no write, a bad name, id or operation id, {@code 401} for a missing or
 * rejected token, {@code 403} when no authorizer allows the write, {@code 404} for an
 * unknown collection or the update of an item that does not exist, {@code 422} when an
 * update cannot apply, the result is not an item of the collection's type, the item would
 * be too large or the group is full, {@code 503} when the store cannot be reached.
 *
 * @since 0.1.0
 */
public final class EvstreamCollectionHandler {

	private final EvCollections collections;

	private final RequestPrincipals principals;

	private final ListenPermissions permissions;

	private final @Nullable EvCollectionWriteAuthorizer authorizer;

	private final ObjectMapper jsonMapper;

	private final Duration retryAfter;

	EvstreamCollectionHandler(EvCollections collections, RequestPrincipals principals, ListenPermissions permissions,
			@Nullable EvCollectionWriteAuthorizer authorizer, ObjectMapper jsonMapper, Duration retryAfter) {
		this.collections = collections;
		this.principals = principals;
		this.permissions = permissions;
		this.authorizer = authorizer;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code GET {evstream.path}/collections/{stream}/{group}}.
	 * @param request the request
	 * @return the group's items, or a problem detail
	 */
	public Mono<ServerResponse> list(ServerRequest request) {
		String stream = request.pathVariable("stream");
		String group = request.pathVariable("group");
		return Mono.fromRunnable(() -> checkNames(stream, group))
			.then(this.principals.ofStream(request))
			.flatMap((principal) -> this.permissions.check(principal, List.of(stream + "/" + group)))
			.then(Mono.defer(() -> collection(stream).listJson(group)))
			.flatMap((items) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(items))
			.onErrorResume((ex) -> refused(ex, request));
	}

	/**
	 * Handles {@code POST {evstream.path}/collections/{stream}/{group}/{id}}.
	 * @param request the request
	 * @return the item after the write, or a problem detail
	 */
	public Mono<ServerResponse> write(ServerRequest request) {
		String stream = request.pathVariable("stream");
		String group = request.pathVariable("group");
		String id = request.pathVariable("id");
		String operationId = request.headers().firstHeader(EvstreamStateWriteHandler.OPERATION_ID_HEADER);
		return this.principals.ofWrite(request)
			.flatMap((principal) -> authorizer(stream).flatMap((authorizer) -> write(request, stream, group, id)
				.flatMap((write) -> authorize(authorizer, principal, stream, write)
					.then(Mono.defer(() -> collection(stream).apply(write, principal, operationId))))))
			.flatMap((item) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body(item)))
			.onErrorResume((ex) -> refused(ex, request));
	}

	/**
	 * Handles any other method at the path of a group: {@code 405} with
	 * {@code Allow: GET}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> listMethodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.GET,
				"read a group's items with GET; write an item with POST to its own path");
	}

	/**
	 * Handles any other method at the path of an item: {@code 405} with
	 * {@code Allow: POST}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> writeMethodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST,
				"write an item with POST and a JSON body such as {\"op\":\"set\",\"data\":{…}}");
	}

	/**
	 * Refuses names no collection can have, before the principal's permissions are asked
	 * about a channel that cannot exist.
	 */
	private static void checkNames(String stream, String group) {
		ModelNames.stream(stream);
		ModelNames.group(group);
	}

	private Mono<EvCollectionWriteAuthorizer> authorizer(String stream) {
		EvCollectionWriteAuthorizer authorizer = this.authorizer;
		if (authorizer == null) {
			return Mono.error(new Refusal(HttpStatus.FORBIDDEN, "Collection '" + stream
					+ "' does not accept writes from clients: the application defines no EvCollectionWriteAuthorizer"));
		}
		return Mono.just(authorizer);
	}

	private Mono<EvCollectionWrite> write(ServerRequest request, String stream, String group, String id) {
		return JsonRequestBodies
			.read(request, this.jsonMapper,
					"A JSON body is required, such as {\"op\":\"set\",\"data\":{…}}, {\"op\":\"update\",\"ops\":[…]}"
							+ " or {\"op\":\"delete\"}",
					"JSON")
			.map((json) -> {
				ModelNames.stream(stream);
				// checks the group and the id too
				return EvCollectionWrite.fromJson(group, id, json);
			});
	}

	private static Mono<Void> authorize(EvCollectionWriteAuthorizer authorizer, EvPrincipal principal, String stream,
			EvCollectionWrite write) {
		return Mono.fromRunnable(() -> {
			if (!authorizer.allows(principal, stream, write)) {
				throw new Refusal(HttpStatus.FORBIDDEN,
						"Not allowed to write item '" + write.id() + "' of collection '" + stream + "'");
			}
		});
	}

	private EvCollection<?> collection(String stream) {
		EvCollection<?> collection = this.collections.find(stream);
		if (collection == null) {
			throw new Refusal(HttpStatus.NOT_FOUND, "There is no collection '" + stream + "'");
		}
		return collection;
	}

	private Mono<ServerResponse> refused(Throwable ex, ServerRequest request) {
		if (ex instanceof EvCollectionItemNotFoundException) {
			return ProblemResponses.of(HttpStatus.NOT_FOUND, ex.getMessage(), request);
		}
		if (ex instanceof EvCollectionUpdateException || ex instanceof EvCollectionLimitException) {
			return ProblemResponses.of(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage(), request);
		}
		return ProblemResponses.refused(ex, request, this.retryAfter);
	}

	private static Map<String, @Nullable Object> body(EvCollectionItem item) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("id", item.id());
		body.put("data", item.data());
		body.put("operationId", item.operationId());
		return body;
	}

}
