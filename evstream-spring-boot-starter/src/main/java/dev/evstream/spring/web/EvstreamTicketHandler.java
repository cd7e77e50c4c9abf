package dev.evstream.spring.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.auth.EvConnectionTicket;
import dev.evstream.core.auth.EvConnectionTickets;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Issues connection tickets: {@code POST {evstream.path}/tickets} answers
 * {@code {"ticket": "…", "expiresInSeconds": 30}}, a short-lived, single-use ticket bound
 * to the principal of the request. This is a normal WebFlux endpoint, so the
 * application's filters (Spring Security among them) see it and establish who asks; the
 * stream served by the Reactor Netty route, which no filter sees, then takes
 * {@code ?ticket=} instead. A ticket in the stream's URL is harmless once used, and
 * useless to whoever reads it after.
 * <p>
 * Refusals are problem details: {@code 401} for a missing or rejected token, {@code 415}
 * for a body that is not JSON (so that no page of another site can ask for one with a
 * form), {@code 503} when tickets cannot be stored (the backend is unreachable, or the
 * in-memory store holds its maximum of live tickets).
 *
 * @since 0.1.0
 */
public final class EvstreamTicketHandler {

	private final EvConnectionTickets tickets;

	private final RequestPrincipals principals;

	private final Duration retryAfter;

	EvstreamTicketHandler(EvConnectionTickets tickets, RequestPrincipals principals, Duration retryAfter) {
		this.tickets = tickets;
		this.principals = principals;
		this.retryAfter = retryAfter;
	}

	/**
	 * Handles {@code POST {evstream.path}/tickets}.
	 * @param request the request
	 * @return the ticket, or a problem detail
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		return this.principals.ofWrite(request)
			.flatMap(this.tickets::issue)
			.flatMap((ticket) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.cacheControl(CacheControl.noStore())
				.bodyValue(body(ticket)))
			// the in-memory store refuses more than its maximum of live tickets
			.onErrorResume(IllegalStateException.class,
					(ex) -> ProblemResponses.unavailable(ex.getMessage(), request, this.retryAfter))
			.onErrorResume((ex) -> ProblemResponses.refused(ex, request, this.retryAfter));
	}

	/**
	 * Handles any other method at {@code {evstream.path}/tickets}: {@code 405}.
	 * @param request the request
	 * @return the problem detail
	 */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		return ProblemResponses.methodNotAllowed(request, HttpMethod.POST, "ask for a ticket with POST");
	}

	private static Map<String, Object> body(EvConnectionTicket ticket) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ticket", ticket.value());
		body.put("expiresInSeconds", ticket.expiresIn().toSeconds());
		return body;
	}

}
