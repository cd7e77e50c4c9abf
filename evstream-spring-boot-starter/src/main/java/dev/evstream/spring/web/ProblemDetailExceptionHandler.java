package dev.evstream.spring.web;

import java.net.URI;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Answers the errors that escape Spring's problem-detail handling with problem details,
 * before Spring Boot's error handler renders them in its own format. With
 * {@code spring.webflux.problemdetails.enabled}, Boot answers problem details for what
 * controllers and functional endpoints raise, but an {@link ErrorResponse} that reaches
 * the error handler (thrown from a filter, or from a functional endpoint when the
 * exception is not one Boot's handler knows) is rendered as Boot's error attributes,
 * without {@code detail}; and a body over the codecs' limit
 * ({@code spring.http.codecs.max-in-memory-size}) read with {@code bodyToMono} is not
 * even a {@code 413} but a {@code 500}.
 * <p>
 * This handler turns such a body into a {@code 413} ({@link PayloadTooLargeException})
 * always, and, when problem details are enabled, writes every client-error
 * {@link ErrorResponse} it sees as its problem detail (with a {@code detail}, see
 * {@link ProblemDetailWriter}), unless the client asks for HTML, which Boot's error pages
 * answer. Anything else, server errors included (Boot's handler logs them), goes on to
 * Boot's handler.
 */
final class ProblemDetailExceptionHandler implements WebExceptionHandler, Ordered {

	private final boolean problemDetails;

	private final ServerCodecConfigurer codecs;

	private final List<ViewResolver> viewResolvers;

	/**
	 * Creates the handler.
	 * @param problemDetails whether the application answers problem details
	 * @param codecs the server's codecs
	 * @param viewResolvers the application's view resolvers
	 */
	ProblemDetailExceptionHandler(boolean problemDetails, ServerCodecConfigurer codecs,
			List<ViewResolver> viewResolvers) {
		this.problemDetails = problemDetails;
		this.codecs = codecs;
		this.viewResolvers = viewResolvers;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		Throwable error = bodyLimit(ex);
		// server errors go on to Boot's handler, which logs them
		if (!this.problemDetails || !(error instanceof ErrorResponse response)
				|| !response.getStatusCode().is4xxClientError() || exchange.getResponse().isCommitted()
				|| wantsHtml(exchange)) {
			return Mono.error(error);
		}
		ProblemDetail problem = response.getBody();
		if (problem.getInstance() == null) {
			// the path only: the query may hold a token
			problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		}
		HttpHeaders headers = response.getHeaders();
		return ServerResponse.status(response.getStatusCode())
			.headers((target) -> target.addAll(headers))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem)
			.flatMap((answer) -> answer.writeTo(exchange, new Context()));
	}

	private static Throwable bodyLimit(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof PayloadTooLargeException) {
				return ex;
			}
			if (cause instanceof DataBufferLimitException limit) {
				return new PayloadTooLargeException(limit);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return ex;
	}

	private static boolean wantsHtml(ServerWebExchange exchange) {
		List<MediaType> accepted = exchange.getRequest().getHeaders().getAccept();
		for (MediaType type : accepted) {
			if (type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON) && !type.isWildcardType()) {
				return false;
			}
		}
		for (MediaType type : accepted) {
			if (MediaType.TEXT_HTML.equalsTypeAndSubtype(type)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public int getOrder() {
		// before Spring Boot's ErrorWebExceptionHandler (-1)
		return -2;
	}

	private final class Context implements ServerResponse.Context {

		@Override
		public List<HttpMessageWriter<?>> messageWriters() {
			return ProblemDetailExceptionHandler.this.codecs.getWriters();
		}

		@Override
		public List<ViewResolver> viewResolvers() {
			return ProblemDetailExceptionHandler.this.viewResolvers;
		}

	}

}
