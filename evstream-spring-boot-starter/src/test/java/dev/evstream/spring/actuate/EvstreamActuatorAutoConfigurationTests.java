package dev.evstream.spring.actuate;

import java.time.Duration;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.presence.EvstreamPresenceAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamActuatorAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=evstream");

	@Test
	void endpointAndHealthShouldBeThereWithActuator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EvstreamEndpoint.class)
			.hasSingleBean(EvstreamHealthIndicator.class)
			.hasBean("evstreamEndpoint")
			.hasBean("evstreamHealthIndicator"));
	}

	@Test
	void endpointShouldShowMemberCountsOnlyWithPresence() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(EvstreamEndpoint.class).describe().block(Duration.ofSeconds(5)).members())
			.isNull());
		this.contextRunner.withConfiguration(AutoConfigurations.of(EvstreamPresenceAutoConfiguration.class))
			.run((context) -> assertThat(
					context.getBean(EvstreamEndpoint.class).describe().block(Duration.ofSeconds(5)).members())
				.isEmpty());
	}

	@Test
	void endpointShouldBeOffWhenNotExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamEndpoint.class));
	}

	@Test
	void endpointShouldBeOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamEndpoint.class));
	}

	@Test
	void endpointShouldBackOffFromUserBean() {
		this.contextRunner.withUserConfiguration(UserEndpoint.class)
			.run((context) -> assertThat(context).hasSingleBean(EvstreamEndpoint.class)
				.doesNotHaveBean("evstreamEndpoint")
				.hasBean("userEndpoint"));
	}

	@Test
	void healthShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.evstream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamHealthIndicator.class));
	}

	@Test
	void healthShouldBeOffWithoutBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamHealthIndicator.class));
	}

	@Test
	void healthShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserHealth.class)
			.run((context) -> assertThat(context).getBean("evstreamHealthIndicator").isSameAs(UserHealth.INDICATOR));
	}

	@Test
	void actuatorShouldBeOffWithoutStreamManager() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(EvstreamActuatorAutoConfiguration.class, EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=evstream")
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamEndpoint.class)
				.doesNotHaveBean(EvstreamHealthIndicator.class));
	}

	@Test
	void readinessShouldFollowEvstreamOnlyOnRedis() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EvstreamReadinessGroups.class));
		this.contextRunner.withUserConfiguration(UserBackend.class)
			.withPropertyValues("evstream.redis.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(EvstreamReadinessGroups.class)
				.hasBean("evstreamReadinessGroups"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		@Bean
		EvstreamEndpoint userEndpoint(EvStreamManager streams, EvStateManager states, Backend backend) {
			return new EvstreamEndpoint(streams, states, backend, true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealth {

		static final HealthIndicator INDICATOR = () -> org.springframework.boot.health.contributor.Health.up().build();

		@Bean
		HealthIndicator evstreamHealthIndicator() {
			return INDICATOR;
		}

	}

	/**
	 * A backend of the application's, so that the engine starts with
	 * {@code evstream.redis.enabled} and no Redis backend auto-configuration.
	 */
	@Configuration(proxyBeanMethods = false)
	static class UserBackend {

		@Bean
		Backend userBackend() {
			return new dev.evstream.core.memory.InMemoryBackend();
		}

	}

}
