package dev.evstream.spring.web;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

import dev.evstream.core.EvUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The RFC 9457 problem details the endpoint answers with. The {@code instance} is the
 * path alone: the query may hold a token.
 */
final class ProblemResponses {

	private ProblemResponses() {
	}

	static Mono<ServerResponse> of(HttpStatus status, @Nullable String detail, ServerRequest request) {
		return of(status, detail, request, (headers) -> {
		});
	}

	static Mono<ServerResponse> unavailable(@Nullable String detail, ServerRequest request, Duration retryAfter) {
		return of(HttpStatus.SERVICE_UNAVAILABLE, detail, request,
				(headers) -> headers.set(HttpHeaders.RETRY_AFTER, retryAfterSeconds(retryAfter)));
	}

	/**
	 * Returns a delay as the whole seconds of a {@code Retry-After} header, rounded up
	 * and at least one.
	 */
	static String retryAfterSeconds(Duration retryAfter) {
		return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
	}

	/**
	 * Answers the refusals every endpoint shares: a {@link Refusal} with its status, an
	 * {@link IllegalArgumentException} (a bad name, id or body) with {@code 400}, and an
	 * {@link EvUnavailableException} with {@code 503} and {@code Retry-After}. Any other
	 * error is passed on.
	 */
	static Mono<ServerResponse> refused(Throwable ex, ServerRequest request, Duration retryAfter) {
		if (ex instanceof Refusal refusal) {
			return of(refusal.status(), refusal.getMessage(), request);
		}
		if (ex instanceof IllegalArgumentException) {
			return of(HttpStatus.BAD_REQUEST, ex.getMessage(), request);
		}
		if (ex instanceof EvUnavailableException) {
			return unavailable(ex.getMessage(), request, retryAfter);
		}
		return Mono.error(ex);
	}

	static Mono<ServerResponse> methodNotAllowed(ServerRequest request, HttpMethod allowed, String hint) {
		return of(HttpStatus.METHOD_NOT_ALLOWED,
				"Method " + request.method().name() + " is not supported here: " + hint, request,
				(headers) -> headers.setAllow(Set.of(allowed)));
	}

	static Mono<ServerResponse> of(HttpStatus status, @Nullable String detail, ServerRequest request,
			Consumer<HttpHeaders> headers) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(URI.create(request.path()));
		return ServerResponse.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem);
	}

}
