package dev.evstream.sample;

import java.util.Map;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the sample page its name as the claimable counter's handlers see it:
 * {@code GET /api/claimable-counter/dispatcher} answers {@code {"dispatcher": "…"}} for
 * the request's principal, found as evstream finds it (the authenticated user, else the
 * user of the {@code Authorization: Bearer} token, else {@code anonymous}). The page's
 * reducers need it to show its own events before the server confirms them.
 *
 * @since 0.1.0
 */
@RestController
public class ClaimableCounterController {

	private static final String BEARER = "Bearer ";

	private final @Nullable Authenticator authenticator;

	ClaimableCounterController(ObjectProvider<Authenticator> authenticator) {
		this.authenticator = authenticator.getIfUnique();
	}

	@GetMapping("/api/claimable-counter/dispatcher")
	Mono<Map<String, String>> dispatcher(ServerWebExchange exchange) {
		return principal(exchange).map((principal) -> Map.of("dispatcher", principal.name()));
	}

	private Mono<EvPrincipal> principal(ServerWebExchange exchange) {
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
		// a rejected token is anonymous here, and evstream refuses its events
		return authenticator.authenticate(header.substring(BEARER.length()).trim())
			.onErrorResume((ex) -> Mono.empty())
			.defaultIfEmpty(EvPrincipal.anonymous());
	}

}
