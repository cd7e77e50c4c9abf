package dev.evstream.sample;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Finds the principal of a request of the sample's API as evstream finds it for its own
 * endpoints: the authenticated user, else the user of the {@code Authorization: Bearer}
 * token, else anonymous. The page asks the API who it is, to know its todo list and its
 * name in the claimable counter.
 *
 * @since 0.1.0
 */
@Component
public class SamplePrincipals {

	private static final String BEARER = "Bearer ";

	private final @Nullable Authenticator authenticator;

	SamplePrincipals(ObjectProvider<Authenticator> authenticator) {
		this.authenticator = authenticator.getIfUnique();
	}

	/**
	 * Returns the principal of a request.
	 * @param exchange the request
	 * @return the principal, anonymous when there is none
	 */
	public Mono<EvPrincipal> of(ServerWebExchange exchange) {
		return exchange.getPrincipal()
			.filter((principal) -> !(principal instanceof AnonymousAuthenticationToken))
			.map((principal) -> EvPrincipal.of(principal.getName()))
			.switchIfEmpty(Mono.defer(() -> ofToken(exchange)));
	}

	private Mono<EvPrincipal> ofToken(ServerWebExchange exchange) {
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		Authenticator authenticator = this.authenticator;
		if (authenticator == null || header == null || !header.startsWith(BEARER)) {
			return Mono.just(EvPrincipal.anonymous());
		}
		// a rejected token is anonymous here, and evstream refuses its writes
		return authenticator.authenticate(header.substring(BEARER.length()).trim())
			.onErrorResume((ex) -> Mono.empty())
			.defaultIfEmpty(EvPrincipal.anonymous());
	}

}
