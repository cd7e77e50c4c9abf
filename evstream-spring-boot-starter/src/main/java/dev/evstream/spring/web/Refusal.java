package dev.evstream.spring.web;

import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A client error that the endpoint answers with a problem detail.
 */
final class Refusal extends RuntimeException {

	private final @Nullable Rejection reason;

	private final HttpStatus status;

	/**
	 * Creates a refusal.
	 * @param reason the reason counted when a connection is refused, or {@code null} for
	 * requests that open no connection
	 * @param status the status of the answer
	 * @param detail what was wrong, for the problem's detail
	 */
	Refusal(@Nullable Rejection reason, HttpStatus status, String detail) {
		super(detail, null, false, false);
		this.reason = reason;
		this.status = status;
	}

	Refusal(HttpStatus status, String detail) {
		this(null, status, detail);
	}

	@Nullable Rejection reason() {
		return this.reason;
	}

	HttpStatus status() {
		return this.status;
	}

}
