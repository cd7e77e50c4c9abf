package dev.evstream.spring.web;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ResolvableType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * Writes problem details with a {@code detail}, always: one without (Spring's
 * {@code ResponseStatusException}s without a reason, its {@code PayloadTooLargeException}
 * for a body over the codecs' limit, among others) gets a sentence that says what the
 * status means for the request, then the application's own writer (Jackson's, with the
 * application's mapper) writes it. Registered before the default writers, it sees every
 * problem detail WebFlux writes: from annotated controllers, functional endpoints and
 * exception handlers alike.
 * <p>
 * A {@link ProblemDetail} is copied before its detail is set; an instance of a subclass
 * has it set in place.
 */
final class ProblemDetailWriter implements HttpMessageWriter<ProblemDetail> {

	private static final List<MediaType> MEDIA_TYPES = List.of(MediaType.APPLICATION_PROBLEM_JSON,
			MediaType.APPLICATION_JSON);

	private final Supplier<List<HttpMessageWriter<?>>> writers;

	private volatile @Nullable List<HttpMessageWriter<?>> delegates;

	/**
	 * Creates the writer.
	 * @param writers every writer of the codec configuration, this one among them
	 */
	ProblemDetailWriter(Supplier<List<HttpMessageWriter<?>>> writers) {
		this.writers = writers;
	}

	@Override
	public List<MediaType> getWritableMediaTypes() {
		return MEDIA_TYPES;
	}

	@Override
	public List<MediaType> getWritableMediaTypes(ResolvableType elementType) {
		HttpMessageWriter<?> delegate = delegate(elementType, null);
		return (delegate != null) ? delegate.getWritableMediaTypes(elementType) : List.of();
	}

	@Override
	public boolean canWrite(ResolvableType elementType, @Nullable MediaType mediaType) {
		return ProblemDetail.class.isAssignableFrom(elementType.toClass()) && delegate(elementType, mediaType) != null;
	}

	@Override
	public Mono<Void> write(Publisher<? extends ProblemDetail> input, ResolvableType elementType,
			@Nullable MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
		return delegateOrError(elementType, mediaType).write(withDetail(input), elementType, mediaType, message, hints);
	}

	@Override
	public Mono<Void> write(Publisher<? extends ProblemDetail> input, ResolvableType actualType,
			ResolvableType elementType, @Nullable MediaType mediaType, ServerHttpRequest request,
			ServerHttpResponse response, Map<String, Object> hints) {
		return delegateOrError(elementType, mediaType).write(withDetail(input), actualType, elementType, mediaType,
				request, response, hints);
	}

	private static Publisher<ProblemDetail> withDetail(Publisher<? extends ProblemDetail> input) {
		// a Mono stays one: the JSON encoder writes a Flux as an array
		return (input instanceof Mono<? extends ProblemDetail> mono) ? mono.map(ProblemDetailWriter::withDetail)
				: Flux.from(input).map(ProblemDetailWriter::withDetail);
	}

	static ProblemDetail withDetail(ProblemDetail problem) {
		if (problem.getDetail() != null && !problem.getDetail().isBlank()) {
			return problem;
		}
		ProblemDetail described = problem;
		if (problem.getClass() == ProblemDetail.class) {
			described = ProblemDetail.forStatus(problem.getStatus());
			described.setType(problem.getType());
			described.setTitle(problem.getTitle());
			described.setInstance(problem.getInstance());
			Map<String, @Nullable Object> properties = problem.getProperties();
			if (properties != null) {
				properties.forEach(described::setProperty);
			}
		}
		described.setDetail(describe(problem.getStatus(), problem.getTitle()));
		return described;
	}

	/**
	 * Returns a sentence for a status, for a problem detail that has none.
	 * @param status the status code
	 * @param title the title of the problem, if any
	 * @return the detail
	 */
	static String describe(int status, @Nullable String title) {
		return switch (status) {
			case 400 -> "The request is not valid";
			case 401 -> "Authentication is required to access this resource";
			case 403 -> "Access to this resource is denied";
			case 404 -> "No resource exists at this path";
			case 405 -> "This method is not supported at this path";
			case 406 -> "None of the media types in the Accept header can be produced for this resource";
			case 408 -> "The request took too long to arrive";
			case 409 -> "The request conflicts with the current state of the resource";
			case 410 -> "This resource is no longer available";
			case 413 -> "The request body is larger than this server accepts";
			case 414 -> "The request URI is longer than this server accepts";
			case 415 -> "The Content-Type of the request is not supported for this resource";
			case 422 -> "The request is well-formed but its content is not valid";
			case 429 -> "Too many requests: retry later";
			case 431 -> "The request headers are larger than this server accepts";
			case 500 -> "The server failed to handle the request";
			case 503 -> "The service is unavailable: retry later";
			default -> {
				HttpStatus known = HttpStatus.resolve(status);
				String reason = (title != null && !title.isBlank()) ? title
						: (known != null) ? known.getReasonPhrase() : "Error";
				yield reason + " (HTTP " + status + ")";
			}
		};
	}

	private HttpMessageWriter<ProblemDetail> delegateOrError(ResolvableType elementType,
			@Nullable MediaType mediaType) {
		HttpMessageWriter<?> delegate = delegate(elementType, mediaType);
		if (delegate == null) {
			throw new IllegalStateException("No writer for " + elementType + " as " + mediaType);
		}
		@SuppressWarnings("unchecked")
		HttpMessageWriter<ProblemDetail> writer = (HttpMessageWriter<ProblemDetail>) delegate;
		return writer;
	}

	private @Nullable HttpMessageWriter<?> delegate(ResolvableType elementType, @Nullable MediaType mediaType) {
		for (HttpMessageWriter<?> writer : delegates()) {
			if (writer.canWrite(elementType, mediaType)) {
				return writer;
			}
		}
		return null;
	}

	private List<HttpMessageWriter<?>> delegates() {
		List<HttpMessageWriter<?>> delegates = this.delegates;
		if (delegates == null) {
			// the configuration's writers, built once they are all registered
			delegates = this.writers.get().stream().filter((writer) -> writer != this).toList();
			this.delegates = delegates;
		}
		return delegates;
	}

}
