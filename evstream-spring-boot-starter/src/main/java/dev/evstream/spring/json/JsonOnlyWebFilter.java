package dev.evstream.spring.json;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Refuses, with a {@code 415} problem detail, every write to the given paths whose
 * {@code Content-Type} is not {@code application/json} or {@code application/*+json} —
 * even when the body is empty — before anything reads the body.
 * <p>
 * Why: a web page on any origin can make its visitor's browser send a {@code POST} with a
 * {@code text/plain}, form or multipart body, or with none, without a CORS preflight and
 * with the visitor's cookies or HTTP Basic credentials. A JSON content type needs a
 * preflight, which a cross-origin page only passes if CORS allows it. Accepting JSON
 * content types alone therefore keeps cross-site pages from writing, without CSRF tokens.
 * Writes are {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE}; {@code GET},
 * {@code HEAD} and {@code OPTIONS} (and so CORS preflights) pass.
 * <p>
 * Declare one as a bean for the paths of your JSON write endpoints: <pre class="code">
 * &#64;Bean
 * JsonOnlyWebFilter jsonOnlyWrites(JsonMapper jsonMapper) {
 *     return new JsonOnlyWebFilter(jsonMapper, "/api/**");
 * }
 * </pre> The same rule holds for every write endpoint evstream adds under its path.
 *
 * @since 0.1.0
 */
public final class JsonOnlyWebFilter implements WebFilter, Ordered {

	/**
	 * Content types a write may declare.
	 */
	public static final List<MediaType> ACCEPTED = List.of(MediaType.APPLICATION_JSON,
			new MediaType("application", "*+json"));

	/**
	 * After Spring Security's filter chain (order -100), so that an unauthenticated write
	 * is answered {@code 401} first.
	 */
	public static final int ORDER = 0;

	private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
			HttpMethod.DELETE);

	private static final String EXPECTED = "Content-Type must be application/json or application/*+json";

	private final JsonMapper jsonMapper;

	private final List<PathPattern> paths;

	/**
	 * Creates a filter for writes to the given paths.
	 * @param jsonMapper the application's mapper, which writes the problem details
	 * @param pathPatterns path patterns such as {@code /api/**}, within the application
	 */
	public JsonOnlyWebFilter(JsonMapper jsonMapper, String... pathPatterns) {
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		Assert.notEmpty(pathPatterns, "'pathPatterns' must not be empty");
		this.jsonMapper = jsonMapper;
		this.paths = Arrays.stream(pathPatterns).map(PathPatternParser.defaultInstance::parse).toList();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!WRITES.contains(request.getMethod()) || !applies(request)) {
			return chain.filter(exchange);
		}
		String refusal = refusal(request.getHeaders());
		return (refusal != null) ? refuse(exchange, refusal) : chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private boolean applies(ServerHttpRequest request) {
		for (PathPattern path : this.paths) {
			if (path.matches(request.getPath().pathWithinApplication())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Says why a request's content type is refused.
	 * @param headers the request headers
	 * @return why, or {@code null} if the request declares JSON
	 */
	static @Nullable String refusal(HttpHeaders headers) {
		List<String> values = headers.getOrEmpty(HttpHeaders.CONTENT_TYPE);
		if (values.isEmpty()) {
			return EXPECTED + ", but was missing";
		}
		if (values.size() > 1) {
			return EXPECTED + ", but was sent " + values.size() + " times";
		}
		String value = values.get(0);
		MediaType contentType;
		try {
			contentType = MediaType.parseMediaType(value);
		}
		catch (InvalidMediaTypeException ex) {
			return EXPECTED + ", but was not a media type";
		}
		return isJson(contentType) ? null : EXPECTED + ", but was '" + contentType.getType().toLowerCase(Locale.ROOT)
				+ "/" + contentType.getSubtype().toLowerCase(Locale.ROOT) + "'";
	}

	/**
	 * Whether a content type is {@code application/json} or {@code application/*+json}
	 * (any parameters, such as {@code charset}, aside).
	 * @param contentType a request's content type
	 * @return whether it declares JSON
	 */
	static boolean isJson(MediaType contentType) {
		if (contentType.isWildcardType() || contentType.isWildcardSubtype()) {
			return false;
		}
		return ACCEPTED.stream().anyMatch((accepted) -> accepted.includes(contentType));
	}

	private Mono<Void> refuse(ServerWebExchange exchange, String detail) {
		ServerHttpResponse response = exchange.getResponse();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail);
		problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		response.setStatusCode(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().setAccept(ACCEPTED);
		byte[] body = this.jsonMapper.writeValueAsBytes(problem);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

}
