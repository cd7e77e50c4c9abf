package dev.evstream.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Token authentication of the SSE endpoint, on when {@code SAMPLE_TOKENS} lists tokens
 * ({@code SAMPLE_TOKENS=t1,t2}). Each token stands for a user named after its position,
 * so that logs name users, never tokens.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${sample.tokens:}'.trim() != ''")
class SampleTokens {

	@Bean
	Authenticator sampleAuthenticator(@Value("${sample.tokens}") String tokens) {
		Map<String, EvPrincipal> principals = new LinkedHashMap<>();
		for (String token : tokens.split(",")) {
			if (!token.isBlank()) {
				principals.putIfAbsent(token.trim(), EvPrincipal.of("user-" + (principals.size() + 1)));
			}
		}
		return (token) -> Mono.justOrEmpty(principals.get(token));
	}

}
