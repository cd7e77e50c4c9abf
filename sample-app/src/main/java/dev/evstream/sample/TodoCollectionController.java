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
 * Tells the sample page which todo list is its own: {@code GET /api/todos/group} answers
 * {@code {"group": "…"}} for the request's principal, found as evstream finds it (the
 * authenticated user, else the user of the {@code Authorization: Bearer} token, else
 * anonymous).
 *
 * @since 0.1.0
 */
@RestController
public class TodoCollectionController {

	private static final String BEARER = "Bearer ";

	private final @Nullable Authenticator authenticator;

	TodoCollectionController(ObjectProvider<Authenticator> authenticator) {
		this.authenticator = authenticator.getIfUnique();
	}

	@GetMapping("/api/todos/group")
	Mono<Map<String, String>> group(ServerWebExchange exchange) {
		return principal(exchange).map((principal) -> Map.of("group", TodoCollection.groupOf(principal)));
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
		// a rejected token gets the guest list, whose writes evstream then refuses
		return authenticator.authenticate(header.substring(BEARER.length()).trim())
			.onErrorResume((ex) -> Mono.empty())
			.defaultIfEmpty(EvPrincipal.anonymous());
	}

}
