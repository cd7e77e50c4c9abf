package dev.evstream.sample;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the sample page its name as the claimable counter's handlers see it:
 * {@code GET /api/claimable-counter/dispatcher} answers {@code {"dispatcher": "…"}}. The
 * page's reducers need it to show its own events before the server confirms them.
 *
 * @since 0.1.0
 */
@RestController
public class ClaimableCounterController {

	private final SamplePrincipals principals;

	ClaimableCounterController(SamplePrincipals principals) {
		this.principals = principals;
	}

	@GetMapping("/api/claimable-counter/dispatcher")
	Mono<Map<String, String>> dispatcher(ServerWebExchange exchange) {
		return this.principals.of(exchange).map((principal) -> Map.of("dispatcher", principal.name()));
	}

}
