package dev.evstream.spring.web;

import java.security.Principal;
import java.util.function.Supplier;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.core.auth.EvAuthenticationException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Establishes who sends a request to the endpoint: the principal of the request when one
 * is authenticated (by Spring Security, for example); otherwise the token verified by the
 * {@link Authenticator}, if one is defined; otherwise anonymous. Fails with a
 * {@link Refusal} for a missing or rejected token.
 */
final class RequestPrincipals {

	/**
	 * The query parameter that carries a connection ticket.
	 */
	static final String TICKET_PARAMETER = "ticket";

	private static final boolean SPRING_SECURITY = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", RequestPrincipals.class.getClassLoader());

	private final @Nullable Authenticator authenticator;

	private final String tokenParameter;

	private final @Nullable QueryTokenHider tokenHider;

	private final @Nullable EvConnectionTickets tickets;

	private final @Nullable String ticketsRequiredBecause;

	/**
	 * Creates the resolver.
	 * @param authenticator the authenticator of tokens, or {@code null} to accept clients
	 * without a token
	 * @param tokenParameter the query parameter that carries the token on the stream
	 * @param tokenHider where tokens taken out of the query are kept, or {@code null}
	 */
	RequestPrincipals(@Nullable Authenticator authenticator, String tokenParameter,
			@Nullable QueryTokenHider tokenHider) {
		this(authenticator, tokenParameter, tokenHider, null, null);
	}

	private RequestPrincipals(@Nullable Authenticator authenticator, String tokenParameter,
			@Nullable QueryTokenHider tokenHider, @Nullable EvConnectionTickets tickets,
			@Nullable String ticketsRequiredBecause) {
		this.authenticator = authenticator;
		this.tokenParameter = tokenParameter;
		this.tokenHider = tokenHider;
		this.tickets = tickets;
		this.ticketsRequiredBecause = ticketsRequiredBecause;
	}

	/**
	 * Returns a resolver that also accepts connection tickets on the stream.
	 * @param tickets the tickets
	 * @param requiredBecause why a stream must come with a ticket (its refusal says it),
	 * or {@code null} when a token will do
	 */
	RequestPrincipals withTickets(EvConnectionTickets tickets, @Nullable String requiredBecause) {
		return new RequestPrincipals(this.authenticator, this.tokenParameter, this.tokenHider, tickets,
				requiredBecause);
	}

	/**
	 * Resolves the principal of a request that may carry its token in the query or in the
	 * {@code Authorization} header, as the stream does.
	 */
	Mono<EvPrincipal> ofStream(ServerRequest request) {
		return resolve(request, true);
	}

	/**
	 * Resolves the principal of a write, whose token may only be in the
	 * {@code Authorization} header: a query is logged too often for a credential.
	 */
	Mono<EvPrincipal> ofWrite(ServerRequest request) {
		return resolve(request, false);
	}

	/**
	 * Resolves the principal of a stream request that no WebFlux filter saw (a Reactor
	 * Netty route): the principal its connection ticket was issued to, else its token,
	 * from the query or the {@code Authorization} header.
	 * @param queryToken the token query parameter, if any
	 * @param authorization the {@code Authorization} header, if any
	 * @param ticket the ticket query parameter, if any
	 */
	Mono<EvPrincipal> ofRoute(@Nullable String queryToken, @Nullable String authorization, @Nullable String ticket) {
		EvConnectionTickets tickets = this.tickets;
		if (ticket != null && tickets != null) {
			if (queryToken != null || authorization != null) {
				return Mono.error(new Refusal(Rejection.BAD_REQUEST, HttpStatus.BAD_REQUEST,
						"Send either a connection ticket or a token, not both"));
			}
			return tickets.redeem(ticket)
				.switchIfEmpty(Mono.error(() -> new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
						"The connection ticket is unknown, used or expired: ask for a new one")));
		}
		if (this.ticketsRequiredBecause != null) {
			return Mono.error(new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					"A connection ticket is required: " + this.ticketsRequiredBecause));
		}
		return verifyToken(() -> streamToken(queryToken, authorization), true);
	}

	/**
	 * Returns the name of the query parameter that carries a stream's token.
	 */
	String tokenParameter() {
		return this.tokenParameter;
	}

	private Mono<EvPrincipal> resolve(ServerRequest request, boolean queryToken) {
		return request.principal()
			.filter((principal) -> !isAnonymous(principal))
			.map(RequestPrincipals::of)
			.switchIfEmpty(Mono
				.defer(() -> verifyToken(() -> queryToken ? token(request) : headerToken(request, true), queryToken)));
	}

	private Mono<EvPrincipal> verifyToken(Supplier<@Nullable String> tokenOfRequest, boolean queryToken) {
		Authenticator authenticator = this.authenticator;
		if (authenticator == null) {
			return Mono.just(EvPrincipal.anonymous());
		}
		String token;
		try {
			token = tokenOfRequest.get();
		}
		catch (Refusal refusal) {
			return Mono.error(refusal);
		}
		if (token == null) {
			return Mono.error(new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					queryToken
							? "A token is required: send it as query parameter '" + this.tokenParameter
									+ "' or as an 'Authorization: Bearer' header"
							: "A token is required: send it as an 'Authorization: Bearer' header"));
		}
		return Mono.defer(() -> authenticator.authenticate(token))
			.onErrorMap(EvAuthenticationException.class,
					(ex) -> new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
							"The token was rejected: " + ex.getMessage()))
			.switchIfEmpty(Mono
				.error(() -> new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED, "The token was rejected")));
	}

	private @Nullable String token(ServerRequest request) {
		String fromQuery = (this.tokenHider != null) ? this.tokenHider.takeToken(request.exchange().getRequest())
				: null;
		if (fromQuery == null) {
			fromQuery = request.queryParam(this.tokenParameter).orElse(null);
		}
		return streamToken(fromQuery, request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
	}

	private @Nullable String streamToken(@Nullable String fromQuery, @Nullable String authorization) {
		String fromHeader = bearer(authorization);
		if (fromQuery != null && fromHeader != null) {
			throw new Refusal(Rejection.BAD_REQUEST, HttpStatus.BAD_REQUEST,
					"The token was sent both as query parameter '" + this.tokenParameter
							+ "' and in the Authorization header; send it once");
		}
		String token = (fromQuery != null) ? fromQuery : fromHeader;
		return (token == null || token.isEmpty()) ? null : token;
	}

	private @Nullable String headerToken(ServerRequest request, boolean refuseQuery) {
		if (refuseQuery && (request.queryParam(this.tokenParameter).isPresent() || hiddenToken(request))) {
			throw new Refusal(HttpStatus.BAD_REQUEST, "Send the token of a write as an 'Authorization: Bearer' header,"
					+ " not as query parameter '" + this.tokenParameter + "'");
		}
		return bearer(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
	}

	private static @Nullable String bearer(@Nullable String authorization) {
		if (authorization == null) {
			return null;
		}
		if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
			throw new Refusal(Rejection.UNAUTHORIZED, HttpStatus.UNAUTHORIZED,
					"The Authorization header must be 'Bearer <token>'; other schemes are not accepted");
		}
		return authorization.substring(7).trim();
	}

	/**
	 * Whether the query of a write carried a token that the {@link QueryTokenHider} took
	 * out before anything logged the request: refused as if it were still there.
	 */
	private boolean hiddenToken(ServerRequest request) {
		QueryTokenHider tokenHider = this.tokenHider;
		return tokenHider != null && tokenHider.takeToken(request.exchange().getRequest()) != null;
	}

	private static boolean isAnonymous(Principal principal) {
		return principal.getClass()
			.getName()
			.equals("org.springframework.security.authentication.AnonymousAuthenticationToken");
	}

	private static EvPrincipal of(Principal principal) {
		if (SPRING_SECURITY) {
			return SecurityPrincipals.of(principal);
		}
		return EvPrincipal.of(principal.getName());
	}

}
