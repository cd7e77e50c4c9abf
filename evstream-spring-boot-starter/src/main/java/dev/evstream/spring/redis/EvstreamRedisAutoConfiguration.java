package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.backend.Backend;
import dev.evstream.redis.RedisBackend;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.util.Assert;

/**
 * Auto-configuration of the Redis backend when {@code evstream.redis.enabled=true}: the
 * backend whose bus, history and state store let replicas share states, channels and
 * their positions, on Spring Boot's reactive Redis connection. The embedded in-memory
 * backend backs off.
 * <p>
 * Spring Boot does not configure a reactive listener container, so evstream declares its
 * own, {@code evstreamRedisListenerContainer}: one subscription per instance, whatever
 * the number of clients.
 * <p>
 * Nothing waits for Redis at start-up: the listener container, which connects when it is
 * created, is made lazily by the bus once Redis answers, and the bus subscribes in the
 * background once the context starts. Until then health reports the bus disconnected,
 * states declared meanwhile hold their initial values, and writes fail.
 * <p>
 * The Redis client's reconnect delay is the application's, unless
 * {@code evstream.redis.max-reconnect-delay} is set: Lettuce's client resources are
 * shared by every Redis connection of the application, so evstream changes them only when
 * asked.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = EvstreamAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnClass({ RedisBackend.class, ReactiveRedisConnectionFactory.class })
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

	/**
	 * The backend, on Spring Boot's reactive string template when there is one. The
	 * engine's lifecycle starts it once the context is refreshed: its first subscription,
	 * whenever Redis allows it, makes the state manager and the channels resync, so
	 * nothing read before it is missed.
	 */
	@Bean
	@ConditionalOnMissingBean(Backend.class)
	RedisBackend evstreamBackend(ObjectProvider<ReactiveStringRedisTemplate> redisTemplate,
			ReactiveRedisConnectionFactory connectionFactory,
			@Qualifier("evstreamRedisListenerContainer") ObjectProvider<ReactiveRedisMessageListenerContainer> evstreamRedisListenerContainer,
			EvstreamProperties properties) {
		EvstreamProperties.Redis redis = properties.getRedis();
		EvstreamProperties.History history = properties.getHistory();
		ReactiveStringRedisTemplate template = redisTemplate
			.getIfAvailable(() -> new ReactiveStringRedisTemplate(connectionFactory));
		RedisBackend.Builder builder = RedisBackend.builder(template, evstreamRedisListenerContainer::getObject);
		InvalidEvstreamPropertyException.apply("evstream.redis.key-prefix", redis.getKeyPrefix(), builder::keyPrefix);
		InvalidEvstreamPropertyException.apply("evstream.redis.timeout", redis.getTimeout(), builder::timeout);
		InvalidEvstreamPropertyException.apply("evstream.redis.probe-interval", redis.getProbeInterval(),
				builder::probeInterval);
		InvalidEvstreamPropertyException.apply("evstream.history.size", history.getSize(), builder::historySize);
		InvalidEvstreamPropertyException.apply("evstream.history.ttl", history.getTtl(), builder::historyTimeToLive);
		return builder.build();
	}

	/**
	 * The Redis client's reconnect delay, when {@code evstream.redis.max-reconnect-delay}
	 * is set.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Delay.class, ClientResourcesBuilderCustomizer.class })
	@ConditionalOnProperty(name = "evstream.redis.max-reconnect-delay")
	static class ReconnectDelayConfiguration {

		private static final Duration FIRST_DELAY = Duration.ofMillis(10);

		@Bean
		@ConditionalOnMissingBean(name = "evstreamReconnectDelay")
		ClientResourcesBuilderCustomizer evstreamReconnectDelay(EvstreamProperties properties) {
			Duration max = properties.getRedis().getMaxReconnectDelay();
			Assert.state(max != null, "'evstream.redis.max-reconnect-delay' must be set");
			// Lettuce wants the first delay below the longest
			Duration first = (max.compareTo(FIRST_DELAY) > 0) ? FIRST_DELAY : Duration.ZERO;
			Delay delay = Delay.exponential(first, max, 2, TimeUnit.MILLISECONDS);
			return (builder) -> builder.reconnectDelay(delay);
		}

	}

}
