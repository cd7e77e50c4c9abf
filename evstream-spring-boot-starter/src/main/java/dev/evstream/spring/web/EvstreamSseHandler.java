package dev.evstream.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvLimitException;
import dev.evstream.core.EvShutdownException;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;
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

	private final EvStreamManager manager;

	private final RequestPrincipals principals;

	private final ListenPermissions permissions;

	private final StreamMetrics metrics;

	private final Duration retryAfter;

	/**
	 * Creates the handler.
	 * @param manager the stream manager
	 * @param principals who sends a request
	 * @param permissions who may listen to what
	 * @param metrics what records rejections
	 * @param retryAfter the delay suggested to clients refused for a limit
	 */
	EvstreamSseHandler(EvStreamManager manager, RequestPrincipals principals, ListenPermissions permissions,
			StreamMetrics metrics, Duration retryAfter) {
		this.manager = manager;
		this.principals = principals;
		this.permissions = permissions;
		this.metrics = metrics;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code GET {evstream.path}}.
	 * @param request the request
	 * @return the stream, or a problem detail
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		List<String> channels = channels(request);
		String invalid = checkChannels(channels);
		if (invalid != null) {
			return reject(Rejection.BAD_REQUEST, HttpStatus.BAD_REQUEST, invalid, request);
		}
		return this.principals.ofStream(request)
			.flatMap((principal) -> this.permissions.check(principal, channels).thenReturn(principal))
			.flatMap((principal) -> open(request, channels, principal))
			.onErrorResume(Refusal.class,
					(refusal) -> reject(refusal.reason(), refusal.status(), refusal.getMessage(), request));
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

	private List<String> channels(ServerRequest request) {
		List<String> channels = new ArrayList<>(request.queryParams().getOrDefault("channel", List.of()));
		for (String list : request.queryParams().getOrDefault("channels", List.of())) {
			channels.addAll(List.of(list.split(",", -1)));
		}
		return channels;
	}

	private @Nullable String checkChannels(List<String> channels) {
		if (channels.isEmpty()) {
			return "At least one channel is required: use ?channel=name (repeatable) or ?channels=a,b";
		}
		try {
			this.manager.checkChannels(channels);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

	private Mono<ServerResponse> open(ServerRequest request, List<String> channels, EvPrincipal principal) {
		String lastEventId = request.headers().firstHeader("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = request.queryParam("lastEventId").orElse(null);
		}
		EvConnectRequest connect = new EvConnectRequest(channels, lastEventId, principal);
		// the manager counts its own refusals (limits, shutdown, channels)
		return this.manager.connect(connect)
			.flatMap((stream) -> ServerResponse.ok()
				.headers(EvstreamResponses::applyHeaders)
				.body(EvstreamResponses.body(stream)))
			.onErrorResume(IllegalArgumentException.class,
					(ex) -> ProblemResponses.of(HttpStatus.BAD_REQUEST, ex.getMessage(), request))
			.onErrorResume(EvLimitException.class,
					(ex) -> ProblemResponses.unavailable(ex.getMessage(), request, this.retryAfter))
			.onErrorResume(EvShutdownException.class,
					(ex) -> ProblemResponses.unavailable(ex.getMessage(), request, this.retryAfter));
	}

	private Mono<ServerResponse> reject(@Nullable Rejection reason, HttpStatus status, @Nullable String detail,
			ServerRequest request) {
		if (reason != null) {
			this.metrics.connectionRejected(reason);
		}
		return ProblemResponses.of(status, detail, request);
	}

}
