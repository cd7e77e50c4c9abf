package dev.evstream.spring.log;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.log.EvLogPayloadValidator;
import dev.evstream.core.log.EvLogs;
import dev.evstream.spring.EvstreamAutoConfiguration;
import jakarta.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of event logs: the {@link EvLogs}, which checks the payloads of
 * events with the {@link EvLogPayloadValidator} bean if there is one. When Bean
 * Validation is present and the application has one {@link Validator}, that validator is
 * it, so that constraints on payload classes refuse the events that break them.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EvstreamAutoConfiguration.class,
		afterName = "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration")
@ConditionalOnBean(EvStreamManager.class)
public final class EvstreamLogAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EvLogs evstreamLogs(EvStreamManager streams, JsonMapper jsonMapper,
			ObjectProvider<EvLogPayloadValidator> validator) {
		return new EvLogs(streams, jsonMapper, validator.getIfUnique(() -> EvLogPayloadValidator.NONE));
	}

	/**
	 * Checks payloads with the application's Bean Validation.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Validator.class)
	static class BeanValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean(EvLogPayloadValidator.class)
		@ConditionalOnSingleCandidate(Validator.class)
		BeanValidationLogPayloadValidator evstreamLogPayloadValidator(ObjectProvider<Validator> validator) {
			return new BeanValidationLogPayloadValidator(validator.getObject());
		}

	}

}
