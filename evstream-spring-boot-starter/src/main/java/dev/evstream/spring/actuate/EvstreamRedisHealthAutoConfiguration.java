package dev.evstream.spring.actuate;

import java.util.Map;

import dev.evstream.spring.EvstreamProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * Auto-configuration of Spring Boot's Redis health indicator, bounded by a timeout, when
 * evstream runs on Redis: Boot's own indicator waits for the Redis client's command
 * timeout (a minute by default) while Redis is dead, and holds up the whole
 * {@code /actuator/health} with it. This one answers {@code DOWN} after
 * {@code evstream.redis.health-timeout}. It backs off, as Boot's does, when the
 * application defines a {@code redisHealthIndicator} or {@code redisHealthContributor}
 * bean, and obeys {@code management.health.redis.enabled}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
		beforeName = "org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration")
@ConditionalOnClass({ DataRedisReactiveHealthIndicator.class, ReactiveHealthIndicator.class,
		ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "true")
@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
@ConditionalOnEnabledHealthIndicator("redis")
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamRedisHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "redisHealthIndicator", "redisHealthContributor" })
	ReactiveHealthContributor redisHealthContributor(Map<String, ReactiveRedisConnectionFactory> connectionFactories,
			EvstreamProperties properties) {
		if (connectionFactories.size() == 1) {
			return bounded(connectionFactories.values().iterator().next(), properties);
		}
		return CompositeReactiveHealthContributor.fromMap(connectionFactories,
				(connectionFactory) -> bounded(connectionFactory, properties));
	}

	private static BoundedReactiveHealthIndicator bounded(ReactiveRedisConnectionFactory connectionFactory,
			EvstreamProperties properties) {
		return new BoundedReactiveHealthIndicator(new DataRedisReactiveHealthIndicator(connectionFactory),
				properties.getRedis().getHealthTimeout());
	}

}
