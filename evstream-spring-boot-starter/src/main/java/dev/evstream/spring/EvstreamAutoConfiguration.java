package dev.evstream.spring;

import java.util.ArrayList;
import java.util.List;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.metrics.StreamMetrics;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the evstream engine: the {@link EvStreamManager}, the
 * {@link EvStateManager}, the lifecycle that starts their {@link Backend} without waiting
 * for it, and, unless another backend is configured, the embedded in-memory backend of a
 * single instance.
 * <p>
 * The core validates every setting; a property value it refuses fails the start-up with
 * an {@link InvalidEvstreamPropertyException} that names the property.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(EvStreamManager.class)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvStreamManager evstreamStreamManager(EvstreamProperties properties, JsonMapper jsonMapper, Backend backend,
			ObjectProvider<StreamMetrics> metrics) {
		EvStreamManager.Builder builder = EvStreamManager.builder()
			.jsonMapper(jsonMapper)
			.metrics(metrics.getIfUnique(() -> StreamMetrics.NONE))
			.backend(backend);
		EvstreamProperties.Connection connection = properties.getConnection();
		InvalidEvstreamPropertyException.apply("evstream.max-connections", properties.getMaxConnections(),
				builder::maxConnections);
		InvalidEvstreamPropertyException.apply("evstream.max-listeners", properties.getMaxListeners(),
				builder::maxListeners);
		InvalidEvstreamPropertyException.apply("evstream.max-channels-per-connection",
				properties.getMaxChannelsPerConnection(), builder::maxChannelsPerConnection);
		InvalidEvstreamPropertyException.apply("evstream.max-channels", properties.getMaxChannels(),
				builder::maxChannels);
		InvalidEvstreamPropertyException.apply("evstream.id-prefix", properties.getIdPrefix(), builder::idPrefix);
		InvalidEvstreamPropertyException.apply("evstream.heartbeat", properties.getHeartbeat(), builder::heartbeat);
		InvalidEvstreamPropertyException.apply("evstream.retry", properties.getRetry(), builder::retry);
		InvalidEvstreamPropertyException.apply("evstream.connection.claim-timeout", connection.getClaimTimeout(),
				builder::claimTimeout);
		InvalidEvstreamPropertyException.apply("evstream.connection.buffer-size", connection.getBufferSize(),
				builder::bufferSize);
		InvalidEvstreamPropertyException.apply("evstream.connection.close-timeout", connection.getCloseTimeout(),
				builder::closeTimeout);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamGracefulShutdown evstreamGracefulShutdown(EvStreamManager streams, EvstreamProperties properties) {
		return new EvstreamGracefulShutdown(streams, properties.getConnection().getCloseTimeout());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvStateManager evstreamStateManager(EvStreamManager streams, JsonMapper jsonMapper) {
		return new EvStateManager(streams, jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamBackendLifecycle evstreamBackendLifecycle(Backend backend, EvStateManager states) {
		return new EvstreamBackendLifecycle(backend, states);
	}

	/**
	 * The embedded default: one instance, everything in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Backend.class)
	@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "false", matchIfMissing = true)
	static class InMemoryBackendConfiguration {

		@Bean
		InMemoryBackend evstreamBackend(EvstreamProperties properties) {
			EvstreamProperties.History history = properties.getHistory();
			InMemoryBackend.Builder builder = InMemoryBackend.builder();
			InvalidEvstreamPropertyException.apply("evstream.history.size", history.getSize(), builder::historySize);
			InvalidEvstreamPropertyException.apply("evstream.history.ttl", history.getTtl(),
					builder::historyTimeToLive);
			InvalidEvstreamPropertyException.apply("evstream.history.max-size", history.getMaxSize(),
					(maxSize) -> builder.historyMaxBytes(maxSize.toBytes()));
			return builder.build();
		}

	}

	/**
	 * Redis was asked for but cannot be configured: say so rather than fall back to
	 * memory, which would let replicas drift apart unnoticed.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(Backend.class)
	@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "true")
	static class MissingRedisBackendConfiguration {

		private static final String REDIS_BACKEND = "dev.evstream.redis.RedisBackend";

		private static final String CONNECTION_FACTORY = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory";

		@Bean
		Backend evstreamBackend(ConfigurableListableBeanFactory beanFactory) {
			throw new MissingEvstreamRedisBackendException(missing(beanFactory));
		}

		private static List<String> missing(ConfigurableListableBeanFactory beanFactory) {
			ClassLoader classLoader = beanFactory.getBeanClassLoader();
			List<String> missing = new ArrayList<>();
			if (!ClassUtils.isPresent(REDIS_BACKEND, classLoader)) {
				missing.add("dev.evstream:evstream-redis is not on the classpath");
			}
			if (!ClassUtils.isPresent(CONNECTION_FACTORY, classLoader)) {
				missing.add("Spring Data Redis (spring-boot-starter-data-redis-reactive) is not on the classpath");
			}
			else if (beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(CONNECTION_FACTORY, classLoader), true,
					false).length == 0) {
				missing.add("there is no ReactiveRedisConnectionFactory bean");
			}
			if (missing.isEmpty()) {
				missing.add("the auto-configuration of evstream's Redis backend did not apply: is it excluded?");
			}
			return missing;
		}

	}

}
