package dev.evstream.spring.web;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The SSE endpoint: {@code GET {evstream.path}?channel=a&channel=b} (or
 * {@code channels=a,b}), which establishes who connects, checks each channel, and opens a
 * stream through {@link EvStreamManager#connect}. Every rejection is an RFC 9457 problem
 * detail sent before any byte of the stream: {@code 400} for bad channels, {@code 401}
 * for a missing or rejected token, {@code 403} for a channel the principal may not read,
 * {@code 503} with {@code Retry-After} when a limit is reached or the instance shuts
 * down. Tokens are never logged nor echoed.
 * <p>
 * Who connects is the principal of the request when one is authenticated (by Spring
 * Security, for example); otherwise the token verified by the {@link Authenticator}, if
 * one is defined; otherwise anonymous. Who may listen to a channel is decided by the
 * {@link ChannelAuthorizer} and, for a state, by the rule it was declared with.
 *
 * @since 0.1.0
 */
public final class EvstreamSseHandler {

	private final StreamOpener opener;

	private final RequestPrincipals principals;

	private final Duration retryAfter;

	/**
	 * Creates the handler.
	 * @param opener what opens the streams
	 * @param principals who sends a request
	 * @param retryAfter the delay suggested to clients refused for a limit
	 */
	EvstreamSseHandler(StreamOpener opener, RequestPrincipals principals, Duration retryAfter) {
		this.opener = opener;
		this.principals = principals;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code GET {evstream.path}}.
	 * @param request the request
	 * @return the stream, or a problem detail
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		String lastEventId = request.headers().firstHeader("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = request.queryParam("lastEventId").orElse(null);
		}
		return this.opener
			.open(StreamOpener.channels(request.queryParams()), lastEventId, this.principals.ofStream(request))
			.flatMap((stream) -> ServerResponse.ok()
				.headers(EvstreamResponses::applyHeaders)
				.body(EvstreamResponses.body(stream)))
			.onErrorResume(Refusal.class,
					(refusal) -> (refusal.status() == HttpStatus.SERVICE_UNAVAILABLE)
							? ProblemResponses.unavailable(refusal.getMessage(), request, this.retryAfter)
							: ProblemResponses.of(refusal.status(), refusal.getMessage(), request));
	}

	/**
	 * Handles any other method at {@code evstream.path}: {@code 405} with
	 * {@code Allow: GET}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.GET, "open the stream with GET");
	}

}
