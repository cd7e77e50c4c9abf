package dev.evstream.spring;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.spring.actuate.EvstreamActuatorAutoConfiguration;
import dev.evstream.spring.actuate.EvstreamEndpoint;
import dev.evstream.spring.actuate.EvstreamHealthIndicator;
import dev.evstream.spring.metrics.EvstreamMeterBinder;
import dev.evstream.spring.metrics.EvstreamMetricsAutoConfiguration;
import dev.evstream.spring.metrics.MicrometerStreamMetrics;
import dev.evstream.spring.web.EvstreamWebFluxAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.reactive.CorsWebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each operational part is there when its dependency is, and off when asked.
 */
class OperationsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamWebFluxAutoConfiguration.class, EvstreamMetricsAutoConfiguration.class,
				EvstreamActuatorAutoConfiguration.class, EndpointAutoConfiguration.class));

	@Test
	void metricsShouldBeRecordedWhenARegistryExists() {
		this.contextRunner.withUserConfiguration(Registry.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerStreamMetrics.class).hasSingleBean(EvstreamMeterBinder.class);
		});
	}

	@Test
	void metricsShouldBeOffWithoutARegistry() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class));
	}

	@Test
	void metricsShouldBeOffWithoutMicrometer() {
		this.contextRunner.withUserConfiguration(Registry.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class));
	}

	@Test
	void metricsShouldBeOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(Registry.class)
			.withPropertyValues("evstream.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class));
	}

	@Test
	void endpointAndHealthShouldBeThereWithActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=evstream")
			.run((context) -> assertThat(context).hasSingleBean(EvstreamEndpoint.class)
				.hasSingleBean(EvstreamHealthIndicator.class));
	}

	@Test
	void endpointShouldBeOffWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EvstreamEndpoint.class));
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
	void corsShouldBeOffByDefaultAndOnWithOrigins() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(CorsWebFilter.class));
		this.contextRunner.withPropertyValues("evstream.cors.allowed-origins=https://app.example.com")
			.run((context) -> assertThat(context).hasSingleBean(CorsWebFilter.class));
		this.contextRunner.withPropertyValues("evstream.cors.allowed-origin-patterns[0]=https://*.example.com")
			.run((context) -> assertThat(context).hasSingleBean(CorsWebFilter.class));
	}

	@Test
	void gracefulShutdownShouldBeConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvstreamGracefulShutdown.class);
			assertThat(context.getBean(EvstreamGracefulShutdown.class).isRunning()).isTrue();
			EvStreamManager streams = context.getBean(EvStreamManager.class);
			context.close();
			assertThat(streams.isShutdown()).isTrue();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry registry() {
			return new SimpleMeterRegistry();
		}

	}

}
