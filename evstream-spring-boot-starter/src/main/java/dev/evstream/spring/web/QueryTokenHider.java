package dev.evstream.spring.web;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Takes the token out of the query of requests to the SSE endpoint before anything else
 * sees them, and keeps it in a request attribute for the endpoint: so the token reaches
 * no log line that prints the request (Spring's own request logging included), no
 * exchange recorder and no error page. Spring picks the bean up when it builds the
 * application's {@link HttpHandler}. Tokens are held by request id until the endpoint
 * takes them, or the response ends.
 *
 * @since 0.1.0
 */
public final class QueryTokenHider implements HttpHandlerDecoratorFactory {

	private final String path;

	private final String parameter;

	// by request id, which survives every later mutation of the request
	private final ConcurrentMap<String, String> tokens = new ConcurrentHashMap<>();

	/**
	 * Creates the hider.
	 * @param path the path of the SSE endpoint
	 * @param parameter the query parameter that carries the token
	 */
	public QueryTokenHider(String path, String parameter) {
		this.path = path;
		this.parameter = parameter;
	}

	@Override
	public HttpHandler apply(HttpHandler handler) {
		return (request, response) -> {
			String token = this.path.equals(request.getPath().value())
					? request.getQueryParams().getFirst(this.parameter) : null;
			if (token == null) {
				return handler.handle(request, response);
			}
			String id = request.getId();
			this.tokens.put(id, token);
			return handler.handle(hide(request), response).doFinally((signal) -> this.tokens.remove(id));
		};
	}

	private ServerHttpRequest hide(ServerHttpRequest request) {
		URI withoutToken = UriComponentsBuilder.fromUri(request.getURI())
			.replaceQueryParam(this.parameter)
			.build(true)
			.toUri();
		return request.mutate().uri(withoutToken).build();
	}

	/**
	 * Takes the token out of a request's query, once.
	 * @param request the request, or one mutated from it
	 * @return the token, or {@code null} if there was none
	 */
	@Nullable String takeToken(ServerHttpRequest request) {
		return this.tokens.remove(request.getId());
	}

}
