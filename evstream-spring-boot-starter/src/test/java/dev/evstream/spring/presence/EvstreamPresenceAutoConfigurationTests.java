package dev.evstream.spring.presence;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamPresenceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamPresenceAutoConfiguration.class));

	@Test
	void defaultsShouldConfigurePresenceWithoutBroadcasts() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvPresence.class)
				.hasBean("evstreamPresence")
				.hasSingleBean(EvstreamPresenceMeters.class)
				.hasBean("evstreamPresenceMeters");
			EvPresence presence = context.getBean(EvPresence.class);
			assertThat(presence.isBroadcast("room")).isFalse();
			assertThat(presence.count("room").block(Duration.ofSeconds(5))).isZero();
		});
	}

	@Test
	void presenceShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.presence.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(EvPresence.class)
				.doesNotHaveBean(EvstreamPresenceMeters.class));
	}

	@Test
	void presenceShouldNotBeConfiguredWithoutTheEngine() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamPresenceAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EvPresence.class));
	}

	@Test
	void userPresenceShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserPresenceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EvPresence.class)
				.hasBean("userPresence")
				.doesNotHaveBean("evstreamPresence");
			assertThat(context.getBean(EvPresence.class).isBroadcast("user-room")).isTrue();
		});
	}

	@Test
	void broadcastPatternsShouldBeApplied() {
		this.contextRunner.withPropertyValues("evstream.presence.broadcast=room,chat:*").run((context) -> {
			EvPresence presence = context.getBean(EvPresence.class);
			assertThat(presence.isBroadcast("room")).isTrue();
			assertThat(presence.isBroadcast("chat:1")).isTrue();
			assertThat(presence.isBroadcast("chat:")).isTrue();
			assertThat(presence.isBroadcast("rooms")).isFalse();
			assertThat(presence.isBroadcast("other")).isFalse();
		});
	}

	@Test
	void nonPositiveProbeIntervalShouldFailAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("evstream.presence.probe-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.presence.probe-interval");
			assertThat(ex.getValue()).isEqualTo(Duration.ZERO);
			assertThat(ex).hasMessage("Invalid value 'PT0S' for property 'evstream.presence.probe-interval': "
					+ "must be positive, but was PT0S");
		});
		this.contextRunner.withPropertyValues("evstream.presence.probe-interval=-1s").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.presence.probe-interval");
			assertThat(ex.getReason()).isEqualTo("must be positive, but was PT-1S");
		});
	}

	@Test
	void emptyBroadcastPatternShouldFailAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("evstream.presence.broadcast[0]=room", "evstream.presence.broadcast[1]=")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
				assertThat(ex.getName()).isEqualTo("evstream.presence.broadcast");
				assertThat(ex.getValue()).isEqualTo("");
				assertThat(ex.getReason()).isEqualTo("A channel pattern must not be empty");
			});
	}

	@Test
	void countersShouldBeRegisteredWhenBound() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(EvstreamPresenceMeters.class).bindTo(registry);
			assertThat(registry.get("evstream.presence.joins").counter().count()).isZero();
			assertThat(registry.get("evstream.presence.leaves").counter().count()).isZero();
		});
	}

	@Test
	void countersShouldBeOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasSingleBean(EvPresence.class)
				.doesNotHaveBean("evstreamPresenceMeters"));
	}

	@Test
	void countersShouldBeOffWhenMetricsAreDisabled() {
		this.contextRunner.withPropertyValues("evstream.metrics.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(EvPresence.class)
				.doesNotHaveBean("evstreamPresenceMeters"));
	}

	private static InvalidEvstreamPropertyException invalidProperty(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof InvalidEvstreamPropertyException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("cause of %s", failure).isNotNull();
		return (InvalidEvstreamPropertyException) candidate;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserPresenceConfiguration {

		@Bean(destroyMethod = "close")
		EvPresence userPresence(EvStreamManager streams) {
			EvPresence presence = new EvPresence(streams, Duration.ofSeconds(2));
			presence.broadcast("user-room");
			return presence;
		}

	}

}
