package dev.evstream.spring.actuate;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.presence.EvstreamPresenceAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of evstream's Actuator endpoint and health indicator, each when its
 * part of Spring Boot is present.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { EvstreamAutoConfiguration.class, EvstreamPresenceAutoConfiguration.class })
@ConditionalOnBean(EvStreamManager.class)
public final class EvstreamActuatorAutoConfiguration {

	/**
	 * The {@code evstream} endpoint.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		EvstreamEndpoint evstreamEndpoint(EvStreamManager streams, EvStateManager states, Backend backend,
				EvstreamProperties properties, ObjectProvider<EvPresence> presence) {
			return new EvstreamEndpoint(streams, states, backend, properties.getActuator().isShowValues(),
					presence.getIfUnique());
		}

	}

	/**
	 * The {@code evstream} health indicator.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("evstream")
		EvstreamHealthIndicator evstreamHealthIndicator(EvStreamManager streams, Backend backend) {
			return new EvstreamHealthIndicator(streams, backend);
		}

	}

	/**
	 * The readiness probe follows the Redis bus, unless the application configures the
	 * readiness group itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthEndpointGroupsPostProcessor.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("evstream")
	@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "true")
	@ConditionalOnProperty(name = "evstream.redis.readiness", havingValue = "true", matchIfMissing = true)
	@ConditionalOnProperty(name = "management.endpoint.health.probes.enabled", havingValue = "true",
			matchIfMissing = true)
	static class ReadinessConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EvstreamReadinessGroups evstreamReadinessGroups(Environment environment) {
			// a readiness group the application configures is its own to compose
			return new EvstreamReadinessGroups(
					!environment.containsProperty("management.endpoint.health.group.readiness.include"));
		}

	}

}
