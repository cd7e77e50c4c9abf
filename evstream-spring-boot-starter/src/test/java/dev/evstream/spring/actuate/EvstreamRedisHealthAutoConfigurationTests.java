package dev.evstream.spring.actuate;

import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.spring.EvstreamAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's Redis health indicator is bounded by a timeout when evstream runs on
 * Redis, backs off to the application's, and the readiness group follows evstream when
 * asked. No Redis is contacted: the contexts are only built.
 */
class EvstreamRedisHealthAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, DataRedisReactiveHealthContributorAutoConfiguration.class,
				EvstreamAutoConfiguration.class, EvstreamActuatorAutoConfiguration.class,
				EvstreamRedisHealthAutoConfiguration.class))
		.withUserConfiguration(Backend.class);

	@Test
	void redisHealthShouldBeBoundedWhenEvstreamRunsOnRedis() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.run((context) -> assertThat(context).getBean("redisHealthContributor")
				.isInstanceOf(BoundedReactiveHealthIndicator.class));
	}

	@Test
	void redisHealthShouldBeBootsWhenEvstreamDoesNotRunOnRedis() {
		this.contextRunner.run((context) -> assertThat(context).getBean("redisHealthContributor")
			.isInstanceOf(DataRedisReactiveHealthIndicator.class));
	}

	@Test
	void redisHealthShouldBackOffToTheApplicationsIndicator() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.withUserConfiguration(UserRedisHealth.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean("redisHealthContributor");
				assertThat(context).getBean("redisHealthIndicator").isSameAs(UserRedisHealth.INDICATOR);
			});
	}

	@Test
	void redisHealthShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true", "management.health.redis.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("redisHealthContributor"));
	}

	@Test
	void redisHealthShouldBeOffWithoutReactiveHealth() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.withClassLoader(new FilteredClassLoader(ReactiveHealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean("redisHealthContributor"));
	}

	@Test
	void readinessShouldFollowEvstreamWhenItRunsOnRedis() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(EvstreamReadinessGroups.class));
	}

	@Test
	void readinessShouldNotFollowEvstreamWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true", "evstream.redis.readiness=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamReadinessGroups.class));
	}

	@Test
	void readinessShouldNotFollowEvstreamWithoutProbes() {
		this.contextRunner
			.withPropertyValues("evstream.redis.enabled=true", "management.endpoint.health.probes.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamReadinessGroups.class));
	}

	@Test
	void readinessShouldNotFollowEvstreamInMemory() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EvstreamReadinessGroups.class));
	}

	/**
	 * An in-memory backend, so that the engine starts with {@code evstream.redis.enabled}
	 * and no Redis backend auto-configuration.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Backend {

		@Bean
		InMemoryBackend evstreamBackend() {
			return new InMemoryBackend();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRedisHealth {

		static final ReactiveHealthIndicator INDICATOR = () -> Mono.just(Health.up().build());

		@Bean
		ReactiveHealthIndicator redisHealthIndicator() {
			return INDICATOR;
		}

	}

}
