package dev.evstream.spring;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.metrics.StreamMetrics;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the evstream engine: the {@link EvStreamManager}, the
 * {@link EvStateManager}, the lifecycle that starts their {@link Backend} without waiting
 * for it, and, unless another backend is configured, the embedded in-memory backend of a
 * single instance.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(EvStreamManager.class)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvStreamManager evStreamManager(EvstreamProperties properties, JsonMapper jsonMapper, Backend backend,
			ObjectProvider<StreamMetrics> metrics) {
		return EvStreamManager.builder()
			.jsonMapper(jsonMapper)
			.metrics(metrics.getIfUnique(() -> StreamMetrics.NONE))
			.backend(backend)
			.maxConnections(properties.getMaxConnections())
			.maxListeners(properties.getMaxListeners())
			.maxChannelsPerConnection(properties.getMaxChannelsPerConnection())
			.maxChannels(properties.getMaxChannels())
			.claimTimeout(properties.getConnection().getClaimTimeout())
			.idPrefix(properties.getIdPrefix())
			.heartbeat(properties.getHeartbeat())
			.retry(properties.getRetry())
			.bufferSize(properties.getConnection().getBufferSize())
			.closeTimeout(properties.getConnection().getCloseTimeout())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamGracefulShutdown evstreamGracefulShutdown(EvStreamManager streams, EvstreamProperties properties) {
		return new EvstreamGracefulShutdown(streams, properties.getConnection().getCloseTimeout());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvStateManager evStateManager(EvStreamManager streams, JsonMapper jsonMapper) {
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
			return new InMemoryBackend(history.getSize(), history.getTtl(), history.getMaxSize().toBytes());
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

		MissingRedisBackendConfiguration() {
			throw new IllegalStateException("evstream.redis.enabled=true, but no Redis backend could be configured: "
					+ "add dev.evstream:evstream-redis and spring-boot-starter-data-redis-reactive, "
					+ "and point spring.data.redis.* at the server");
		}

	}

}
