package dev.evstream.spring;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidEvstreamPropertyFailureAnalyzerTests {

	private final InvalidEvstreamPropertyFailureAnalyzer analyzer = new InvalidEvstreamPropertyFailureAnalyzer();

	@Test
	void analyzeShouldNamePropertyValueAndReason() {
		InvalidEvstreamPropertyException invalid = new InvalidEvstreamPropertyException("evstream.heartbeat",
				Duration.ZERO, "'heartbeat' must be positive, but was PT0S", new IllegalArgumentException());
		FailureAnalysis analysis = this.analyzer
			.analyze(new BeanCreationException("evstreamStreamManager", "Failed to instantiate", invalid));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid value 'PT0S' for configuration property 'evstream.heartbeat':\n\n"
					+ "    Reason: 'heartbeat' must be positive, but was PT0S");
		assertThat(analysis.getAction()).isEqualTo("Update the value of 'evstream.heartbeat' in the application's "
				+ "configuration, or remove it to use evstream's default.");
		assertThat(analysis.getCause()).isSameAs(invalid);
	}

	@Test
	void analyzeShouldIgnoreOtherFailures() {
		assertThat(this.analyzer.analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void analyzerShouldBeRegistered() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(InvalidEvstreamPropertyFailureAnalyzer.class);
	}

	@Test
	void exceptionShouldNameTheProperty() {
		IllegalArgumentException refusal = new IllegalArgumentException("'retry' must be positive, but was PT0S");
		InvalidEvstreamPropertyException invalid = new InvalidEvstreamPropertyException("evstream.retry", Duration.ZERO,
				"'retry' must be positive, but was PT0S", refusal);
		assertThat(invalid)
			.hasMessage("Invalid value 'PT0S' for property 'evstream.retry': 'retry' must be positive, but was PT0S")
			.hasCause(refusal);
	}

}
