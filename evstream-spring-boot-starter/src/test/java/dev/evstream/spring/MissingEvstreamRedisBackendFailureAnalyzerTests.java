package dev.evstream.spring;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class MissingEvstreamRedisBackendFailureAnalyzerTests {

	private final MissingEvstreamRedisBackendFailureAnalyzer analyzer = new MissingEvstreamRedisBackendFailureAnalyzer();

	@Test
	void analyzeShouldListWhatIsMissingAndTheWaysOut() {
		MissingEvstreamRedisBackendException missing = new MissingEvstreamRedisBackendException(
				List.of("dev.evstream:evstream-redis is not on the classpath",
						"there is no ReactiveRedisConnectionFactory bean"));
		FailureAnalysis analysis = this.analyzer
			.analyze(new BeanCreationException("evstreamBackend", "Failed to instantiate", missing));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.isEqualTo("evstream was asked to share its states, channels and history through Redis "
					+ "(evstream.redis.enabled=true), but no Redis backend could be configured:\n"
					+ "\n    - dev.evstream:evstream-redis is not on the classpath"
					+ "\n    - there is no ReactiveRedisConnectionFactory bean");
		assertThat(analysis.getAction()).contains("dev.evstream:evstream-redis")
			.contains("spring-boot-starter-data-redis-reactive")
			.contains("'spring.data.redis.*'")
			.contains("dev.evstream.core.backend.Backend")
			.contains("'evstream.redis.enabled=false'");
		assertThat(analysis.getCause()).isSameAs(missing);
	}

	@Test
	void analyzeShouldIgnoreOtherFailures() {
		assertThat(this.analyzer.analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void analyzerShouldBeRegistered() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(MissingEvstreamRedisBackendFailureAnalyzer.class);
	}

}
