package dev.evstream.spring.web;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Leaves the stream requests ({@code GET evstream.path}) out of Spring's
 * {@code http.server.requests} observation. A stream lasts as long as its client stays:
 * recorded as a request, hours-long durations would swamp the timer's percentiles, and
 * each open stream would keep its observation context alive for nothing. The other
 * requests at the path (state writes, actions, refusals of other methods) stay observed.
 *
 * @since 0.1.0
 */
final class StreamRequestObservations implements ObservationPredicate {

	private final String path;

	StreamRequestObservations(String path) {
		this.path = path;
	}

	@Override
	public boolean test(String name, Observation.Context context) {
		if (!(context instanceof ServerRequestObservationContext serverContext)) {
			return true;
		}
		ServerHttpRequest request = serverContext.getCarrier();
		return !(HttpMethod.GET.equals(request.getMethod())
				&& this.path.equals(request.getPath().pathWithinApplication().value()));
	}

}
