package dev.evstream.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Describes a {@link MissingEvstreamRedisBackendException}: what the Redis backend lacks,
 * and the ways out.
 */
final class MissingEvstreamRedisBackendFailureAnalyzer
		extends AbstractFailureAnalyzer<MissingEvstreamRedisBackendException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingEvstreamRedisBackendException cause) {
		StringBuilder description = new StringBuilder(
				"evstream was asked to share its states, channels and history through Redis "
						+ "(evstream.redis.enabled=true), but no Redis backend could be configured:\n");
		cause.getMissing().forEach((missing) -> description.append("\n    - ").append(missing));
		String action = "Add dev.evstream:evstream-redis and spring-boot-starter-data-redis-reactive to the "
				+ "application and point 'spring.data.redis.*' at the Redis server, or define a bean of type "
				+ "dev.evstream.core.backend.Backend, or set 'evstream.redis.enabled=false' to keep everything in "
				+ "this instance's memory.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
