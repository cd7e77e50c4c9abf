package dev.evstream.spring.redis;

import java.time.Duration;

import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.StateStore;
import dev.evstream.redis.RedisChannelHistory;
import dev.evstream.redis.RedisEventBus;
import dev.evstream.redis.RedisKeys;
import dev.evstream.redis.RedisStateStore;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Auto-configuration of the Redis backend when {@code evstream.redis.enabled=true}: the
 * bus, history and state store that let replicas share states, channels and their
 * positions, on Spring Boot's reactive Redis connection. The embedded in-memory backend
 * backs off.
 * <p>
 * Spring Boot does not configure a reactive listener container, so evstream declares its
 * own, {@code evstreamRedisListenerContainer}: one subscription per instance, whatever
 * the number of clients.
 * <p>
 * Nothing waits for Redis at start-up: the listener container, which connects when it is
 * created, is made lazily by the bus once Redis answers, and the bus subscribes in the
 * background once the context is refreshed. Until then health reports the bus
 * disconnected, states declared meanwhile hold their initial values, and writes fail.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = EvstreamAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnClass({ RedisEventBus.class, ReactiveRedisConnectionFactory.class })
@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "true")
@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamRedisAutoConfiguration {

	// lazy: it connects when created, which the bus asks for once Redis answers
	@Bean(destroyMethod = "destroy")
	@Lazy
	@ConditionalOnMissingBean(name = "evstreamRedisListenerContainer")
	ReactiveRedisMessageListenerContainer evstreamRedisListenerContainer(
			ReactiveRedisConnectionFactory connectionFactory) {
		return new ReactiveRedisMessageListenerContainer(connectionFactory);
	}

	@Bean
	@ConditionalOnMissingBean(ChannelHistory.class)
	RedisChannelHistory evstreamChannelHistory(ReactiveRedisConnectionFactory connectionFactory,
			EvstreamProperties properties) {
		EvstreamProperties.Redis redis = properties.getRedis();
		return new RedisChannelHistory(new ReactiveStringRedisTemplate(connectionFactory),
				new RedisKeys(redis.getKeyPrefix()), properties.getHistory().getSize(),
				properties.getHistory().getTtl(), redis.getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean(StateStore.class)
	RedisStateStore evstreamStateStore(ReactiveRedisConnectionFactory connectionFactory,
			EvstreamProperties properties) {
		EvstreamProperties.Redis redis = properties.getRedis();
		return new RedisStateStore(new ReactiveStringRedisTemplate(connectionFactory),
				new RedisKeys(redis.getKeyPrefix()), redis.getTimeout());
	}

	/**
	 * The bus, started once every singleton exists: its first subscription, whenever
	 * Redis allows it, makes the state manager and the channels resync, so nothing read
	 * before it is missed.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	static class EventBusConfiguration {

		@Bean(destroyMethod = "close")
		RedisEventBus evstreamEventBus(
				@Qualifier("evstreamRedisListenerContainer") ObjectProvider<ReactiveRedisMessageListenerContainer> evstreamRedisListenerContainer,
				ReactiveRedisConnectionFactory connectionFactory, EvstreamProperties properties) {
			EvstreamProperties.Redis redis = properties.getRedis();
			return new RedisEventBus(evstreamRedisListenerContainer::getObject,
					new ReactiveStringRedisTemplate(connectionFactory), new RedisKeys(redis.getKeyPrefix()),
					redis.getTimeout(), redis.getProbeInterval());
		}

		@Bean
		SmartInitializingSingleton evstreamEventBusStarter(RedisEventBus evstreamEventBus) {
			return evstreamEventBus::start;
		}

	}

	@Bean
	ClientResourcesBuilderCustomizer evstreamReconnectDelay(EvstreamProperties properties) {
		Duration max = properties.getRedis().getMaxReconnectDelay();
		return (builder) -> builder.reconnectDelay(
				Delay.exponential(Duration.ofMillis(10), max, 2, java.util.concurrent.TimeUnit.MILLISECONDS));
	}

}
