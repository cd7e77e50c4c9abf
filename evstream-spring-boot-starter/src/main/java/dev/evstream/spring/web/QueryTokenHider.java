package dev.evstream.spring.web;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Takes the token out of the query of requests to the SSE endpoint before anything else
 * sees them, and keeps it in a request attribute for the endpoint: so the token reaches
 * no log line that prints the request (Spring's own request logging included), no
 * exchange recorder and no error page. Spring picks the bean up when it builds the
 * application's {@link HttpHandler}. Tokens are held by request id until the endpoint
 * takes them, or the response ends.
 * <p>
 * The request is recognised as the endpoint's, and the token parameter found, exactly as
 * the endpoint reads them: the path is matched the way the router matches it (decoded,
 * without matrix parameters, within the application's base path) and parameter names are
 * decoded, so that {@code /ev%73tream?%74oken=...} is hidden as {@code /evstream?token=}
 * is. Every value of the parameter is taken out of the query, in whatever spelling.
 *
 * @since 0.1.0
 */
final class QueryTokenHider implements HttpHandlerDecoratorFactory {

	private final PathPattern path;

	private final String parameter;

	// by request id, which survives every later mutation of the request
	private final ConcurrentMap<String, String> tokens = new ConcurrentHashMap<>();

	/**
	 * Creates the hider.
	 * @param path the path of the SSE endpoint
	 * @param parameter the query parameter that carries the token
	 */
	QueryTokenHider(String path, String parameter) {
		this.path = PathPatternParser.defaultInstance.parse(path);
		this.parameter = parameter;
	}

	@Override
	public HttpHandler apply(HttpHandler handler) {
		return (request, response) -> {
			ServerHttpRequest hidden = this.path.matches(request.getPath().pathWithinApplication()) ? hide(request)
					: request;
			if (hidden == request) {
				return handler.handle(request, response);
			}
			String token = token(request);
			if (token == null) {
				return handler.handle(hidden, response);
			}
			String id = request.getId();
			this.tokens.put(id, token);
			return handler.handle(hidden, response).doFinally((signal) -> this.tokens.remove(id));
		};
	}

	private @Nullable String token(ServerHttpRequest request) {
		try {
			return request.getQueryParams().getFirst(this.parameter);
		}
		catch (IllegalArgumentException ex) {
			// a query that cannot be decoded: hidden all the same, read by nobody
			return null;
		}
	}

	/**
	 * Returns the request without the token parameter in its query, or the same request
	 * if its query has no such parameter.
	 */
	private ServerHttpRequest hide(ServerHttpRequest request) {
		String uri = request.getURI().toString();
		int query = uri.indexOf('?');
		if (query == -1) {
			return request;
		}
		int fragment = uri.indexOf('#', query);
		int end = (fragment != -1) ? fragment : uri.length();
		String raw = uri.substring(query + 1, end);
		String rest = QueryParameters.rewrite(raw, this.parameter, null);
		if (rest.equals(raw)) {
			return request;
		}
		String withoutToken = uri.substring(0, query) + (rest.isEmpty() ? "" : "?" + rest);
		return request.mutate().uri(URI.create(withoutToken)).build();
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
