package dev.evstream.spring.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.core.EvStream;
import dev.evstream.core.auth.EvPrincipal;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.util.context.Context;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.cors.CorsConfiguration;

/**
 * Serves {@code GET {evstream.path}} from a Reactor Netty route rather than WebFlux
 * ({@code evstream.transport=route}): an open stream then keeps its connection, its
 * {@code EvStream} and its queue, without a WebFlux exchange and its chain of operators
 * alive for hours. Every other request at the path (tickets, writes, other methods) still
 * goes through WebFlux.
 * <p>
 * What WebFlux gave the stream is done here: the {@link StreamOpener} checks channels and
 * permissions; who connects comes from a connection ticket or the token (see
 * {@link RequestPrincipals#ofRoute}); evstream's own CORS settings apply; refusals are
 * problem details. WebFilters do not see these requests: when the application has Spring
 * Security, streams need a ticket, which a secured WebFlux endpoint issues.
 */
final class EvstreamStreamRoute implements NettyRouteProvider {

	private final String path;

	private final StreamOpener opener;

	private final RequestPrincipals principals;

	private final @Nullable CorsConfiguration cors;

	private final JsonMapper jsonMapper;

	private final Duration retryAfter;

	/**
	 * Creates the route.
	 * @param path the full path of the stream, with WebFlux's base path if any
	 * @param opener what opens the streams
	 * @param principals who connects
	 * @param cors evstream's CORS settings, or {@code null} when none are set
	 * @param jsonMapper what writes problem details
	 * @param retryAfter the delay suggested to clients refused for a limit
	 */
	EvstreamStreamRoute(String path, StreamOpener opener, RequestPrincipals principals,
			@Nullable CorsConfiguration cors, JsonMapper jsonMapper, Duration retryAfter) {
		this.path = path;
		this.opener = opener;
		this.principals = principals;
		this.cors = cors;
		this.jsonMapper = jsonMapper;
		this.retryAfter = retryAfter;
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.get(this.path, this::handle);
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		String allowedOrigin = null;
		if (origin != null && this.cors != null && isCrossOrigin(request, origin)) {
			allowedOrigin = this.cors.checkOrigin(origin);
			if (allowedOrigin == null) {
				return problem(response, new Refusal(HttpStatus.FORBIDDEN, "Origin " + origin + " is not allowed"));
			}
		}
		String lastEventId = request.requestHeaders().get("Last-Event-ID");
		if (lastEventId == null) {
			lastEventId = first(query, "lastEventId");
		}
		Mono<EvPrincipal> principal = this.principals.ofRoute(first(query, this.principals.tokenParameter()),
				request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION),
				first(query, RequestPrincipals.TICKET_PARAMETER));
		Mono<EvStream> opening = this.opener.open(StreamOpener.channels(query), lastEventId, principal);
		String corsOrigin = allowedOrigin;
		return Mono.create((end) -> opening.subscribe(new Opening(request, response, corsOrigin, end)));
	}

	private void applyCors(HttpServerResponse response, @Nullable String allowedOrigin) {
		CorsConfiguration cors = this.cors;
		if (allowedOrigin == null || cors == null) {
			return;
		}
		response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin)
			.header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
		if (Boolean.TRUE.equals(cors.getAllowCredentials())) {
			response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
		}
	}

	/**
	 * Whether an {@code Origin} names another site than the request's own, as Spring's
	 * CORS processing decides it: a same-origin request needs no CORS headers.
	 */
	private static boolean isCrossOrigin(HttpServerRequest request, String origin) {
		URI uri;
		try {
			uri = new URI(origin);
		}
		catch (URISyntaxException ex) {
			return true;
		}
		// the request's own scheme, host and port, as forwarded headers give them when
		// the server is told to trust them
		String scheme = request.scheme();
		return !(scheme.equalsIgnoreCase(uri.getScheme()) && request.hostName().equalsIgnoreCase(uri.getHost())
				&& port(scheme, request.hostPort()) == port(uri.getScheme(), uri.getPort()));
	}

	private static int port(@Nullable String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return "https".equalsIgnoreCase(scheme) ? 443 : 80;
	}

	private Mono<Void> problem(HttpServerResponse response, Refusal refusal) {
		HttpStatus status = refusal.status();
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", status.getReasonPhrase());
		problem.put("status", status.value());
		problem.put("detail", refusal.getMessage());
		// the path alone: the query may hold a token
		problem.put("instance", this.path);
		byte[] body = this.jsonMapper.writeValueAsBytes(problem);
		response.status(status.value()).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		if (status == HttpStatus.SERVICE_UNAVAILABLE) {
			response.header(HttpHeaders.RETRY_AFTER, ProblemResponses.retryAfterSeconds(this.retryAfter));
		}
		return response.sendByteArray(Mono.just(body)).then();
	}

	private static @Nullable String first(Map<String, List<String>> query, String name) {
		List<String> values = query.get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	/**
	 * The opening of one stream, answered with the stream or with its refusal. It is
	 * subscribed apart from the response's own subscriber, so that once the stream is
	 * open the operators that opened it are let go: an open stream's response keeps this
	 * and the writer only.
	 */
	private final class Opening implements CoreSubscriber<EvStream>, Disposable {

		private final HttpServerRequest request;

		private final HttpServerResponse response;

		private final @Nullable String corsOrigin;

		private final MonoSink<Void> end;

		private volatile @Nullable Subscription subscription;

		private volatile @Nullable Disposable writer;

		private volatile boolean cancelled;

		private boolean answered;

		Opening(HttpServerRequest request, HttpServerResponse response, @Nullable String corsOrigin,
				MonoSink<Void> end) {
			this.request = request;
			this.response = response;
			this.corsOrigin = corsOrigin;
			this.end = end;
			end.onCancel(this);
		}

		@Override
		public Context currentContext() {
			return Context.of(this.end.contextView());
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription = subscription;
			if (this.cancelled) {
				subscription.cancel();
			}
			else {
				subscription.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(EvStream stream) {
			this.subscription = null;
			this.answered = true;
			if (this.cancelled) {
				stream.close();
				return;
			}
			this.response.status(HttpResponseStatus.OK);
			applyCors(this.response, this.corsOrigin);
			this.response.header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_EVENT_STREAM_VALUE)
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.header("X-Accel-Buffering", "no");
			Disposable writer = ReactorNettyStreamWriter.startRoute(stream, this.request, this.response, this.end);
			this.writer = writer;
			if (this.cancelled) {
				writer.dispose();
			}
		}

		@Override
		public void onError(Throwable error) {
			this.subscription = null;
			this.answered = true;
			if (error instanceof Refusal refusal) {
				applyCors(this.response, this.corsOrigin);
				problem(this.response, refusal).subscribe(null, this.end::error, this.end::success);
			}
			else {
				this.end.error(error);
			}
		}

		@Override
		public void onComplete() {
			this.subscription = null;
			if (!this.answered) {
				this.end.success();
			}
		}

		/**
		 * Stops the opening, or the stream once it is open: the server cancels a response
		 * whose connection went away or that it shuts down.
		 */
		@Override
		public void dispose() {
			this.cancelled = true;
			Subscription subscription = this.subscription;
			if (subscription != null) {
				subscription.cancel();
			}
			Disposable writer = this.writer;
			if (writer != null) {
				writer.dispose();
			}
		}

	}

	@Override
	public String toString() {
		return "EvstreamStreamRoute[GET " + this.path + "]";
	}

}
