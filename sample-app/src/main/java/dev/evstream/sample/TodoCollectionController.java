package dev.evstream.sample;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the sample page which todo list is its own: {@code GET /api/todos/group} answers
 * {@code {"group": "…"}} for the request's principal.
 *
 * @since 0.1.0
 */
@RestController
public class TodoCollectionController {

	private final SamplePrincipals principals;

	TodoCollectionController(SamplePrincipals principals) {
		this.principals = principals;
	}

	@GetMapping("/api/todos/group")
	Mono<Map<String, String>> group(ServerWebExchange exchange) {
		return this.principals.of(exchange).map((principal) -> Map.of("group", TodoCollection.groupOf(principal)));
	}

}
