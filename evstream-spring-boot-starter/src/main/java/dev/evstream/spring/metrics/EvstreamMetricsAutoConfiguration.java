package dev.evstream.spring.metrics;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.spring.EvstreamProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of evstream's Micrometer meters, when Micrometer and a
 * {@link MeterRegistry} are there. Off with {@code evstream.metrics.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(name = "evstream.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(StreamMetrics.class)
	MicrometerStreamMetrics evstreamMetrics(MeterRegistry registry, EvstreamProperties properties) {
		return new MicrometerStreamMetrics(registry, properties.getMetrics().isChannelTags());
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamMeterBinder evstreamMeterBinder(EvStreamManager streams, EvStateManager states) {
		return new EvstreamMeterBinder(streams, states);
	}

}
