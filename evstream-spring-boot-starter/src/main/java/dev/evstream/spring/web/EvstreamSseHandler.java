package dev.evstream.spring.web;

import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvLimitException;
import dev.evstream.core.EvShutdownException;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvAuthenticationException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
 * one is defined; otherwise anonymous.
 *
 * @since 0.1.0
 */
public final class EvstreamSseHandler {

	private final EvStreamManager manager;

	private final @Nullable Authenticator authenticator;

	private final ChannelAuthorizer authorizer;

	private final StreamMetrics metrics;

	private final String tokenParameter;

	private final Duration retryAfter;

	private final @Nullable QueryTokenHider tokenHider;

	/**
	 * Creates the handler.
	 * @param manager the stream manager
	 * @param authenticator the authenticator of tokens, or {@code null} to accept clients
	 * without a token
	 * @param authorizer the authorizer of channels
	 * @param metrics what records rejections
	 * @param tokenParameter the query parameter that carries the token
	 * @param retryAfter the delay suggested to clients refused for a limit
	 * @param tokenHider where tokens taken out of the query are kept, or {@code null} to
	 * read them from the query
	 */
	EvstreamSseHandler(EvStreamManager manager, @Nullable Authenticator authenticator, ChannelAuthorizer authorizer,
			StreamMetrics metrics, String tokenParameter, Duration retryAfter, @Nullable QueryTokenHider tokenHider) {
		this.manager = manager;
		this.authenticator = authenticator;
		this.authorizer = authorizer;
		this.metrics = metrics;
		this.tokenParameter = tokenParameter;
		this.retryAfter = retryAfter;
		this.tokenHider = tokenHider;
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
		return principal(request).flatMap((principal) -> authorize(principal, channels))
			.flatMap((principal) -> open(request, channels, principal))
			.onErrorResume(Refusal.class,
					(refusal) -> reject(refusal.reason, refusal.status, refusal.getMessage(), request));
	}

	/**
	 * Handles any other method at {@code evstream.path}: {@code 405} with
	 * {@code Allow: GET}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return problem(HttpStatus.METHOD_NOT_ALLOWED,
				"Method " + request.method().name() + " is not supported here: open the stream with GET", request,
				(headers) -> headers.setAllow(Set.of(HttpMethod.GET)));
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

	private Mono<EvPrincipal> principal(ServerRequest request) {
		return request.principal()
			.filter((principal) -> !Principals.isAnonymous(principal))
			.map(Principals::of)
			.switchIfEmpty(Mono.defer(() -> verifyToken(request)));
	}

	private Mono<EvPrincipal> verifyToken(ServerRequest request) {
		Authenticator authenticator = this.authenticator;
		if (authenticator == null) {
			return Mono.just(EvPrincipal.anonymous());
		}
		String token;
		try {
			token = token(request);
		}
		catch (Refusal refusal) {
			return Mono.error(refusal);
		}
		if (token == null) {
			return Mono.error(new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					"A token is required: send it as query parameter '" + this.tokenParameter
							+ "' or as an 'Authorization: Bearer' header"));
		}
		return Mono.defer(() -> authenticator.authenticate(token))
			.onErrorMap(EvAuthenticationException.class,
					(ex) -> new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
							"The token was rejected: " + ex.getMessage()))
			.switchIfEmpty(Mono
				.error(() -> new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED, "The token was rejected")));
	}

	private @Nullable String token(ServerRequest request) {
		String fromQuery = (this.tokenHider != null) ? this.tokenHider.takeToken(request.exchange().getRequest())
				: null;
		if (fromQuery == null) {
			fromQuery = request.queryParam(this.tokenParameter).orElse(null);
		}
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		String fromHeader = null;
		if (authorization != null) {
			if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
				throw new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
						"The Authorization header must be 'Bearer <token>'; other schemes are not accepted");
			}
			fromHeader = authorization.substring(7).trim();
		}
		if (fromQuery != null && fromHeader != null) {
			throw new Refusal(Rejection.BAD_REQUEST, HttpStatus.BAD_REQUEST,
					"The token was sent both as query parameter '" + this.tokenParameter
							+ "' and in the Authorization header; send it once");
		}
		String token = (fromQuery != null) ? fromQuery : fromHeader;
		return (token == null || token.isEmpty()) ? null : token;
	}

	private Mono<EvPrincipal> authorize(EvPrincipal principal, List<String> channels) {
		return Flux.fromIterable(channels)
			.distinct()
			.concatMap((channel) -> Mono.defer(() -> this.authorizer.canListen(principal, channel))
				.defaultIfEmpty(false)
				.flatMap((allowed) -> allowed ? Mono.empty()
						: Mono.error(new Refusal(Rejection.FORBIDDEN, HttpStatus.FORBIDDEN,
								"Not allowed to listen to channel '" + channel + "'"))))
			.then(Mono.just(principal));
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
					(ex) -> problem(HttpStatus.BAD_REQUEST, ex.getMessage(), request, (headers) -> {
					}))
			.onErrorResume(EvLimitException.class, (ex) -> unavailable(ex.getMessage(), request))
			.onErrorResume(EvShutdownException.class, (ex) -> unavailable(ex.getMessage(), request));
	}

	private Mono<ServerResponse> reject(Rejection reason, HttpStatus status, @Nullable String detail,
			ServerRequest request) {
		this.metrics.connectionRejected(reason);
		return problem(status, detail, request, (headers) -> {
		});
	}

	private Mono<ServerResponse> unavailable(@Nullable String detail, ServerRequest request) {
		long seconds = Math.max(1, (this.retryAfter.toMillis() + 999) / 1000);
		return problem(HttpStatus.SERVICE_UNAVAILABLE, detail, request,
				(headers) -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
	}

	private static Mono<ServerResponse> problem(HttpStatus status, @Nullable String detail, ServerRequest request,
			Consumer<HttpHeaders> headers) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		// the path only: the query may hold a token
		problem.setInstance(URI.create(request.path()));
		return ServerResponse.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem);
	}

	/**
	 * A client error to answer with a problem detail.
	 */
	private static final class Refusal extends RuntimeException {

		private final Rejection reason;

		private final HttpStatus status;

		Refusal(Rejection reason, HttpStatus status, String detail) {
			super(detail, null, false, false);
			this.reason = reason;
			this.status = status;
		}

	}

	/**
	 * The request's principal as evstream sees it.
	 */
	private static final class Principals {

		private static final boolean SPRING_SECURITY = isPresent("org.springframework.security.core.Authentication");

		static boolean isAnonymous(Principal principal) {
			return principal.getClass()
				.getName()
				.equals("org.springframework.security.authentication.AnonymousAuthenticationToken");
		}

		static EvPrincipal of(Principal principal) {
			if (SPRING_SECURITY) {
				return SecurityPrincipals.of(principal);
			}
			return EvPrincipal.of(principal.getName());
		}

		private static boolean isPresent(String className) {
			return org.springframework.util.ClassUtils.isPresent(className, EvstreamSseHandler.class.getClassLoader());
		}

	}

}
