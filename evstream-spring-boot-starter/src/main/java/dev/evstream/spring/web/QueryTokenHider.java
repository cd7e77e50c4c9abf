package dev.evstream.spring.web;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Takes the token out of the query of requests to the SSE endpoint (and of the reads of
 * collections and record sets, which take their token as the stream does, and of the
 * appends to event logs and the actions on record sets, which refuse it) before anything
 * else sees them, and keeps it for the endpoint: so the token reaches no log line that
 * prints the request (Spring's own request logging included), no exchange recorder and no
 * error page. Spring picks the bean up when it builds the application's
 * {@link HttpHandler}. Tokens are held by request id until the endpoint takes them, or
 * the response ends.
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

	private final List<PathPattern> paths;

	private final String parameter;

	// by request id, which survives every later mutation of the request
	private final ConcurrentMap<String, String> tokens = new ConcurrentHashMap<>();

	/**
	 * Creates the hider.
	 * @param paths the path patterns of the endpoints whose query may carry a token: the
	 * SSE endpoint, the reads of collections and the appends to event logs
	 * @param parameter the query parameter that carries the token
	 */
	QueryTokenHider(List<String> paths, String parameter) {
		this.paths = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.parameter = parameter;
	}

	@Override
	public HttpHandler apply(HttpHandler handler) {
		return (request, response) -> {
			ServerHttpRequest hidden = takesToken(request) ? hide(request) : request;
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

	private boolean takesToken(ServerHttpRequest request) {
		for (PathPattern path : this.paths) {
			if (path.matches(request.getPath().pathWithinApplication())) {
				return true;
			}
		}
		return false;
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
