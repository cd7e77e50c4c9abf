package dev.evstream.sample;

import dev.evstream.core.EvUnavailableException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the sample's errors into problem details: bad input is a {@code 400}, an
 * unreachable backend a {@code 503}.
 *
 * @since 0.1.0
 */
@RestControllerAdvice
class SampleErrors {

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badRequest(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(ArithmeticException.class)
	ProblemDetail overflow(ArithmeticException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
				"The counter would leave the range of a 32-bit integer");
	}

	@ExceptionHandler(EvUnavailableException.class)
	ProblemDetail unavailable(EvUnavailableException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

}
