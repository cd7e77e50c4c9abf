package dev.evstream.spring.web;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An authenticator that knows two users, ann and bob, by their tokens; the model tests
 * add the authorizers that tell them apart.
 */
@TestConfiguration(proxyBeanMethods = false)
class TwoUsers {

	static final String ANN = "ann-token";

	static final String BOB = "bob-token";

	@Bean
	Authenticator authenticator() {
		return (token) -> switch (token) {
			case ANN -> Mono.just(EvPrincipal.of("ann"));
			case BOB -> Mono.just(EvPrincipal.of("bob"));
			default -> Mono.empty();
		};
	}

}
