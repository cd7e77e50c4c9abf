package dev.evstream.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Describes an {@link InvalidEvstreamPropertyException}: which property, which value, and
 * why it was refused.
 */
final class InvalidEvstreamPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEvstreamPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEvstreamPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for configuration property '" + cause.getName()
				+ "':\n\n    Reason: " + cause.getReason();
		String action = "Update the value of '" + cause.getName()
				+ "' in the application's configuration, or remove it to use evstream's default.";
		return new FailureAnalysis(description, action, cause);
	}

}
