package dev.evstream.spring.redis;

import java.time.Duration;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.redis.RedisBackend;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import dev.evstream.spring.MissingEvstreamRedisBackendException;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The Redis backend's auto-configuration, on Spring Boot's Redis connection pointed at a
 * port nobody listens on: nothing may wait for Redis while the context starts.
 */
class EvstreamRedisAutoConfigurationTests {

	/**
	 * A correctness bound: a start-up that waited for Redis would take the Redis client's
	 * connect timeout (10 seconds) or command timeout (a minute).
	 */
	private static final Duration START_BOUND = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
				"evstream.redis.enabled=true");

	@Test
	void redisBackendShouldBeConfiguredWithoutWaitingForRedis() {
		long start = System.nanoTime();
		this.contextRunner.run((context) -> {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(START_BOUND);
			assertThat(context).hasNotFailed().hasSingleBean(RedisBackend.class).doesNotHaveBean(InMemoryBackend.class);
			assertThat(context.getBean("evstreamBackend")).isInstanceOf(RedisBackend.class);
			// the container connects when created, so it is only looked up, never made:
			// the bus asks for it once Redis answers
			assertThat(context.getBeanNamesForType(ReactiveRedisMessageListenerContainer.class, true, false))
				.containsExactly("evstreamRedisListenerContainer");
			assertThat(context.getBeanFactory().getBeanDefinition("evstreamRedisListenerContainer").isLazyInit())
				.isTrue();
			assertThat(context.getBeanFactory().containsSingleton("evstreamRedisListenerContainer")).isFalse();
			assertThat(context.getBean(RedisBackend.class).bus().isConnected()).isFalse();
		});
	}

	@Test
	void redisBackendShouldBackOffFromUserBackend() {
		this.contextRunner.withUserConfiguration(UserBackend.class).run((context) -> {
			assertThat(context).hasSingleBean(Backend.class).doesNotHaveBean(RedisBackend.class);
			assertThat(context.getBean(Backend.class)).isSameAs(context.getBean(UserBackend.class).backend);
		});
	}

	@Test
	void listenerContainerShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserListenerContainer.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisBackend.class);
			assertThat(context.getBean("evstreamRedisListenerContainer"))
				.isSameAs(context.getBean(UserListenerContainer.class).container);
		});
	}

	@Test
	void redisBackendShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RedisBackend.class).hasSingleBean(InMemoryBackend.class);
			assertThat(context.getBeanFactory().containsBeanDefinition("evstreamRedisListenerContainer")).isFalse();
		});
	}

	@Test
	void missingEvstreamRedisShouldFailWithWhatIsMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisBackend.class)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(MissingEvstreamRedisBackendException.class);
			MissingEvstreamRedisBackendException missing = (MissingEvstreamRedisBackendException) rootCause(
					context.getStartupFailure());
			assertThat(missing.getMissing()).containsExactly("dev.evstream:evstream-redis is not on the classpath");
		});
	}

	@Test
	void reconnectDelayShouldBeLettucesUnlessSet() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean("evstreamReconnectDelay");
			Duration thirtieth = context.getBean(ClientResources.class).reconnectDelay().createDelay(30);
			assertThat(thirtieth).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void reconnectDelayShouldBeBoundedWhenSet() {
		this.contextRunner.withPropertyValues("evstream.redis.max-reconnect-delay=500ms").run((context) -> {
			assertThat(context).hasBean("evstreamReconnectDelay");
			Duration thirtieth = context.getBean(ClientResources.class).reconnectDelay().createDelay(30);
			assertThat(thirtieth).isEqualTo(Duration.ofMillis(500));
		});
	}

	@Test
	void reconnectDelayShouldBeOffWithoutLettuce() {
		this.contextRunner.withPropertyValues("evstream.redis.max-reconnect-delay=500ms")
			.withUserConfiguration(UserConnectionFactory.class)
			.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.run((context) -> assertThat(context).hasSingleBean(RedisBackend.class)
				.doesNotHaveBean("evstreamReconnectDelay"));
	}

	@Test
	void invalidRedisPropertiesShouldBeNamed() {
		assertInvalid("evstream.redis.timeout=0s", "evstream.redis.timeout",
				"'timeout' must be positive, but was PT0S");
		assertInvalid("evstream.redis.probe-interval=-1s", "evstream.redis.probe-interval",
				"'probeInterval' must be positive, but was PT-1S");
		assertInvalid("evstream.history.ttl=0s", "evstream.history.ttl",
				"'historyTimeToLive' must be positive, but was PT0S");
		assertInvalid("evstream.history.size=-1", "evstream.history.size",
				"'historySize' must not be negative, but was -1");
		this.contextRunner.withPropertyValues("evstream.redis.key-prefix=a b").run((context) -> {
			InvalidEvstreamPropertyException invalid = invalidProperty(context.getStartupFailure());
			assertThat(invalid.getName()).isEqualTo("evstream.redis.key-prefix");
			assertThat(invalid.getValue()).isEqualTo("a b");
			assertThat(invalid.getReason()).isNotBlank();
		});
	}

	private void assertInvalid(String property, String name, String reason) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			InvalidEvstreamPropertyException invalid = invalidProperty(context.getStartupFailure());
			assertThat(invalid.getName()).isEqualTo(name);
			assertThat(invalid.getReason()).isEqualTo(reason);
		});
	}

	private static InvalidEvstreamPropertyException invalidProperty(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof InvalidEvstreamPropertyException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("cause of %s", failure).isInstanceOf(InvalidEvstreamPropertyException.class);
		return (InvalidEvstreamPropertyException) candidate;
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBackend {

		final Backend backend = new InMemoryBackend();

		@Bean
		Backend userBackend() {
			return this.backend;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserListenerContainer {

		final ReactiveRedisMessageListenerContainer container = mock(ReactiveRedisMessageListenerContainer.class);

		@Bean
		ReactiveRedisMessageListenerContainer evstreamRedisListenerContainer() {
			return this.container;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionFactory {

		@Bean
		ReactiveRedisConnectionFactory userConnectionFactory() {
			return mock(ReactiveRedisConnectionFactory.class);
		}

	}

}
