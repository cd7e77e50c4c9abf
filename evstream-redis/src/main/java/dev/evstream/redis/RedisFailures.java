package dev.evstream.redis;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.evstream.core.EvUnavailableException;
import reactor.core.publisher.Mono;

/**
 * Bounds every Redis call by a timeout and turns its failures into
 * {@link EvUnavailableException}: callers learn within the timeout that Redis could not
 * be reached, whatever the client library would otherwise wait for. A call that timed out
 * is cancelled, so a client that queues commands while disconnected does not send it
 * later.
 */
final class RedisFailures {

	private RedisFailures() {
	}

	static <T> Mono<T> bounded(Mono<T> call, Duration timeout, String what) {
		return call.timeout(timeout).onErrorMap((ex) -> !(ex instanceof EvUnavailableException), (ex) -> {
			String reason = (ex instanceof TimeoutException) ? "Redis did not answer within " + timeout
					: "Redis could not be reached: " + ex.getMessage();
			return new EvUnavailableException("Could not " + what + ": " + reason, ex);
		});
	}

}
