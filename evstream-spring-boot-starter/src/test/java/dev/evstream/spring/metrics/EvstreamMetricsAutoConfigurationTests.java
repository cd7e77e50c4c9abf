package dev.evstream.spring.metrics;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.spring.EvstreamAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamMetricsAutoConfiguration.class))
		.withUserConfiguration(Registry.class);

	@Test
	void metricsShouldBeRecordedWhenARegistryExists() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerStreamMetrics.class)
				.hasSingleBean(EvstreamMeterBinder.class)
				.hasBean("evstreamMetrics")
				.hasBean("evstreamMeterBinder");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(EvstreamMeterBinder.class).bindTo(registry);
			assertThat(registry.get("evstream.connections.open").gauge().value()).isZero();
		});
	}

	@Test
	void metricsShouldBeOffWithoutARegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class)
				.doesNotHaveBean(EvstreamMeterBinder.class));
	}

	@Test
	void metricsShouldBeOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class)
				.doesNotHaveBean(EvstreamMeterBinder.class));
	}

	@Test
	void metricsShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StreamMetrics.class)
				.doesNotHaveBean(EvstreamMeterBinder.class));
	}

	@Test
	void streamMetricsShouldBackOffFromUserBean() {
		this.contextRunner.withUserConfiguration(UserMetrics.class).run((context) -> {
			assertThat(context).hasSingleBean(StreamMetrics.class).doesNotHaveBean(MicrometerStreamMetrics.class);
			assertThat(context.getBean(StreamMetrics.class)).isSameAs(UserMetrics.METRICS);
		});
	}

	@Test
	void meterBinderShouldBackOffFromUserBean() {
		this.contextRunner.withUserConfiguration(UserMeterBinder.class).run((context) -> {
			assertThat(context).hasSingleBean(EvstreamMeterBinder.class).doesNotHaveBean("evstreamMeterBinder");
			assertThat(context).hasBean("userMeterBinder");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry registry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetrics {

		static final StreamMetrics METRICS = new StreamMetrics() {
		};

		@Bean
		StreamMetrics userMetrics() {
			return METRICS;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMeterBinder {

		@Bean
		EvstreamMeterBinder userMeterBinder(EvStreamManager streams, EvStateManager states) {
			return new EvstreamMeterBinder(streams, states);
		}

	}

}
