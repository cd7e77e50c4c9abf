package dev.evstream.spring;

import java.time.Duration;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.bus.InMemoryEventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.InMemoryChannelHistory;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.store.InMemoryStateStore;
import dev.evstream.core.store.StateStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * {@link EvStateManager}, and, unless another backend is configured, the embedded
 * in-memory bus, history and state store of a single instance.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(EvStreamManager.class)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EvstreamAutoConfiguration.class);

	private static final Duration STATE_LOAD_TIMEOUT = Duration.ofSeconds(10);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvStreamManager evStreamManager(EvstreamProperties properties, JsonMapper jsonMapper, EventBus eventBus,
			ChannelHistory channelHistory, ObjectProvider<StreamMetrics> metrics) {
		return EvStreamManager.builder()
			.jsonMapper(jsonMapper)
			.metrics(metrics.getIfUnique(() -> StreamMetrics.NONE))
			.eventBus(eventBus)
			.channelHistory(channelHistory)
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
	EvStateManager evStateManager(EvStreamManager streams, StateStore stateStore, JsonMapper jsonMapper) {
		EvStateManager states = new EvStateManager(streams, stateStore, jsonMapper);
		try {
			states.ready().block(STATE_LOAD_TIMEOUT);
		}
		catch (RuntimeException ex) {
			logger.warn("evstream could not load existing states at start-up; it will when its backend answers: "
					+ ex.getMessage());
		}
		return states;
	}

	/**
	 * The embedded default: one instance, everything in memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "false", matchIfMissing = true)
	static class InMemoryBackendConfiguration {

		@Bean
		InMemoryEventBus evstreamEventBus() {
			return new InMemoryEventBus();
		}

		@Bean
		@ConditionalOnMissingBean
		InMemoryChannelHistory evstreamChannelHistory(InMemoryEventBus evstreamEventBus,
				EvstreamProperties properties) {
			EvstreamProperties.History history = properties.getHistory();
			return new InMemoryChannelHistory(evstreamEventBus, history.getSize(), history.getTtl(),
					history.getMaxSize().toBytes());
		}

		@Bean
		@ConditionalOnMissingBean
		InMemoryStateStore evstreamStateStore(InMemoryEventBus evstreamEventBus) {
			return new InMemoryStateStore(evstreamEventBus);
		}

	}

	/**
	 * Redis was asked for but cannot be configured: say so rather than fall back to
	 * memory, which would let replicas drift apart unnoticed.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	@ConditionalOnProperty(name = "evstream.redis.enabled", havingValue = "true")
	static class MissingRedisBackendConfiguration {

		MissingRedisBackendConfiguration() {
			throw new IllegalStateException("evstream.redis.enabled=true, but no Redis backend could be configured: "
					+ "add dev.evstream:evstream-redis and spring-boot-starter-data-redis-reactive, "
					+ "and point spring.data.redis.* at the server");
		}

	}

}
