package dev.evstream.spring.presence;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of presence: the {@link EvPresence} of the {@link EvStreamManager},
 * probing at {@code evstream.presence.probe-interval}, with the channels of
 * {@code evstream.presence.broadcast} shown to clients on their
 * {@code presence/<channel>} channels, and, with Micrometer, the counters
 * {@code evstream.presence.joins} and {@code evstream.presence.leaves}. Off with
 * {@code evstream.presence.enabled=false}.
 * <p>
 * A property value presence refuses fails the start-up with an
 * {@link InvalidEvstreamPropertyException} that names the property.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EvstreamAutoConfiguration.class)
@ConditionalOnBean(EvStreamManager.class)
@ConditionalOnProperty(name = "evstream.presence.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamPresenceAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvPresence evstreamPresence(EvStreamManager streams, EvstreamProperties properties) {
		EvstreamProperties.Presence settings = properties.getPresence();
		Duration probeInterval = settings.getProbeInterval();
		// checked here rather than by the constructor, whose other refusals (a
		// presence prefix claimed by another model) are not the property's fault
		InvalidEvstreamPropertyException.apply("evstream.presence.probe-interval", probeInterval,
				EvstreamPresenceAutoConfiguration::checkProbeInterval);
		EvPresence presence = new EvPresence(streams, probeInterval);
		try {
			for (String pattern : settings.getBroadcast()) {
				InvalidEvstreamPropertyException.apply("evstream.presence.broadcast", pattern, presence::broadcast);
			}
		}
		catch (RuntimeException ex) {
			presence.close();
			throw ex;
		}
		return presence;
	}

	private static void checkProbeInterval(Duration probeInterval) {
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException("must be positive, but was " + probeInterval);
		}
	}

	/**
	 * The counters of joins and leaves, bound to the meter registries when there are any.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnProperty(name = "evstream.metrics.enabled", matchIfMissing = true)
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamPresenceMeters")
		EvstreamPresenceMeters evstreamPresenceMeters(ObjectProvider<EvPresence> presence) {
			return new EvstreamPresenceMeters(presence);
		}

	}

}
