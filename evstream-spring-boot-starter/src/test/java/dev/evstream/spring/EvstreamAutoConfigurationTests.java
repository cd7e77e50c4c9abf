package dev.evstream.spring;

import java.time.Duration;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.store.StoredState;
import dev.evstream.spring.web.EvstreamSseHandler;
import dev.evstream.spring.web.EvstreamWebFluxAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamWebFluxAutoConfiguration.class));

	@Test
	void defaultsShouldConfigureInMemoryEngine() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvStreamManager.class)
				.hasSingleBean(EvStateManager.class)
				.hasSingleBean(InMemoryBackend.class)
				.hasSingleBean(EvstreamBackendLifecycle.class);
			EvStreamManager manager = context.getBean(EvStreamManager.class);
			assertThat(manager.maxConnections()).isEqualTo(5000);
			assertThat(manager.maxListeners()).isEqualTo(5000);
			EvstreamProperties properties = context.getBean(EvstreamProperties.class);
			assertThat(properties.getPath()).isEqualTo("/evstream");
			assertThat(properties.getHeartbeat()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.getHistory().getSize()).isEqualTo(1000);
		});
	}

	@Test
	void endpointShouldNotBeConfiguredOutsideReactiveWebApplication() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EvstreamSseHandler.class));
	}

	@Test
	void endpointShouldBeConfiguredInReactiveWebApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvstreamSseHandler.class)
				.hasBean("evstreamRouterFunction"));
	}

	@Test
	void propertiesShouldBind() {
		this.contextRunner
			.withPropertyValues("evstream.max-connections=10", "evstream.max-listeners=3", "evstream.heartbeat=2s",
					"evstream.history.size=5", "evstream.connection.buffer-size=64",
					"evstream.auth.query-param=access_token", "evstream.path=/events")
			.run((context) -> {
				EvStreamManager manager = context.getBean(EvStreamManager.class);
				assertThat(manager.maxConnections()).isEqualTo(10);
				assertThat(manager.maxListeners()).isEqualTo(3);
				EvstreamProperties properties = context.getBean(EvstreamProperties.class);
				assertThat(properties.getHeartbeat()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getHistory().getSize()).isEqualTo(5);
				assertThat(properties.getConnection().getBufferSize()).isEqualTo(64);
				assertThat(properties.getAuth().getQueryParam()).isEqualTo("access_token");
				assertThat(properties.getPath()).isEqualTo("/events");
			});
	}

	@Test
	void zeroOrNegativeLimitsShouldFailAtStartup() {
		assertInvalid("evstream.max-connections", 0, "'maxConnections' must be at least 1, but was 0");
		assertInvalid("evstream.max-listeners", -1, "'maxListeners' must be at least 1, but was -1");
		assertInvalid("evstream.max-channels", 0, "'maxChannels' must be at least 1, but was 0");
		assertInvalid("evstream.heartbeat", Duration.ZERO, "'heartbeat' must be positive, but was PT0S");
		assertInvalid("evstream.retry", Duration.ofSeconds(-1), "'retry' must be positive, but was PT-1S");
		assertInvalid("evstream.max-channels-per-connection", 100,
				"'maxChannelsPerConnection' must be at most 48 to keep event ids under 1 KB, but was 100");
		assertInvalid("evstream.max-channels-per-connection", 0,
				"'maxChannelsPerConnection' must be at least 1, but was 0");
		assertInvalid("evstream.connection.buffer-size", 0, "'bufferSize' must be at least 1, but was 0");
		assertInvalid("evstream.connection.claim-timeout", Duration.ZERO,
				"'claimTimeout' must be positive, but was PT0S");
		assertInvalid("evstream.connection.close-timeout", Duration.ZERO,
				"'closeTimeout' must be positive, but was PT0S");
	}

	@Test
	void invalidHistoryShouldFailAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("evstream.history.ttl=0s").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.history.ttl");
			assertThat(ex.getValue()).isEqualTo(Duration.ZERO);
			assertThat(ex.getReason()).isEqualTo("'historyTimeToLive' must be positive, but was PT0S");
		});
		this.contextRunner.withPropertyValues("evstream.history.size=-1").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.history.size");
			assertThat(ex.getReason()).isEqualTo("'historySize' must not be negative, but was -1");
		});
		this.contextRunner.withPropertyValues("evstream.history.max-size=0").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.history.max-size");
			assertThat(ex.getReason()).isEqualTo("'historyMaxBytes' must be at least 1, but was 0");
		});
	}

	@Test
	void idPrefixWithLineBreakShouldFailAtStartup() {
		this.contextRunner.withPropertyValues("evstream.id-prefix=a\nb").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.id-prefix");
			assertThat(ex.getValue()).isEqualTo("a\nb");
			assertThat(ex.getReason())
				.isEqualTo("SSE 'idPrefix' must not contain CR, LF or NUL, but LF was found at index 1");
		});
	}

	@Test
	void pathWithoutLeadingSlashShouldFailToBind() {
		this.contextRunner.withPropertyValues("evstream.path=events").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class)
				.rootCause()
				.hasMessage("must start with '/', but was 'events'");
		});
	}

	@Test
	void redisEnabledWithoutRedisBackendShouldFailAtStartup() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			MissingEvstreamRedisBackendException ex = findCause(failure, MissingEvstreamRedisBackendException.class);
			assertThat(ex).as("cause of %s", failure).isNotNull();
			assertThat(ex.getMissing()).containsExactly("there is no ReactiveRedisConnectionFactory bean");
			assertThat(failure).hasMessageContaining("'evstreamBackend'");
		});
	}

	@Test
	void redisEnabledWithoutRedisOnTheClasspathShouldSaySo() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.withClassLoader(new FilteredClassLoader("dev.evstream.redis", "org.springframework.data.redis"))
			.run((context) -> {
				MissingEvstreamRedisBackendException ex = findCause(context.getStartupFailure(),
						MissingEvstreamRedisBackendException.class);
				assertThat(ex).isNotNull();
				assertThat(ex.getMissing()).containsExactly("dev.evstream:evstream-redis is not on the classpath",
						"Spring Data Redis (spring-boot-starter-data-redis-reactive) is not on the classpath");
			});
	}

	@Test
	void redisEnabledWithUserBackendShouldStart() {
		this.contextRunner.withPropertyValues("evstream.redis.enabled=true")
			.withUserConfiguration(UserBackendConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Backend.class));
	}

	@Test
	void beansShouldBeNamedEvstream() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("evstreamStreamManager")
				.hasBean("evstreamStateManager")
				.hasBean("evstreamBackend")
				.hasBean("evstreamBackendLifecycle")
				.hasBean("evstreamGracefulShutdown");
			assertThat(context.getBeanNamesForType(EvStreamManager.class)).containsExactly("evstreamStreamManager");
			assertThat(context.getBeanNamesForType(EvStateManager.class)).containsExactly("evstreamStateManager");
		});
	}

	@Test
	void userStateManagerShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserStateManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EvStateManager.class).doesNotHaveBean("evstreamStateManager");
			assertThat(context.getBean(EvstreamBackendLifecycle.class)).isNotNull();
		});
	}

	private void assertInvalid(String name, Object value, String reason) {
		this.contextRunner.withPropertyValues(name + "=" + text(value)).run((context) -> {
			assertThat(context).hasFailed();
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo(name);
			assertThat(ex.getValue()).isEqualTo(value);
			assertThat(ex.getReason()).isEqualTo(reason);
			assertThat(ex).hasCauseInstanceOf(IllegalArgumentException.class);
		});
	}

	private static String text(Object value) {
		return (value instanceof Duration duration) ? duration.toMillis() + "ms" : value.toString();
	}

	private static InvalidEvstreamPropertyException invalidProperty(Throwable failure) {
		InvalidEvstreamPropertyException ex = findCause(failure, InvalidEvstreamPropertyException.class);
		assertThat(ex).as("cause of %s", failure).isNotNull();
		return ex;
	}

	private static <E extends Throwable> E findCause(Throwable failure, Class<E> type) {
		Throwable candidate = failure;
		while (candidate != null) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
			candidate = candidate.getCause();
		}
		return null;
	}

	@Test
	void gracefulShutdownShouldCloseStreamsWithTheContext() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvstreamGracefulShutdown.class);
			assertThat(context.getBean(EvstreamGracefulShutdown.class).isRunning()).isTrue();
			EvStreamManager streams = context.getBean(EvStreamManager.class);
			context.close();
			assertThat(streams.isShutdown()).isTrue();
		});
	}

	@Test
	void contextStartedAgainAfterAStopShouldAcceptStreamsAgain() {
		this.contextRunner.run((context) -> {
			EvStreamManager streams = context.getBean(EvStreamManager.class);
			context.stop();
			assertThat(streams.isShutdown()).isTrue();
			context.start();
			assertThat(streams.isShutdown()).isFalse();
			assertThat(streams.createStream().isClosed()).isFalse();
		});
	}

	@Test
	void userManagerShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EvStreamManager.class);
			assertThat(context.getBean(EvStreamManager.class).maxConnections()).isEqualTo(7);
		});
	}

	@Test
	void userBackendShouldReplaceInMemoryOne() {
		this.contextRunner.withUserConfiguration(UserBackendConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Backend.class).doesNotHaveBean("evstreamBackend");
			Backend backend = context.getBean(UserBackendConfiguration.class).backend;
			assertThat(context.getBean(Backend.class)).isSameAs(backend);
			assertThat(context.getBean(EvStateManager.class).stateKeys()).isEmpty();
			backend.stateStore().create(new StoredState("shared", 1, "7", "value", "i")).block();
			assertThat(context.getBean(EvStateManager.class).getState("shared")).isNotNull();
		});
	}

	@Test
	void missingCoreShouldDisableAutoConfiguration() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(EvStreamManager.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamProperties.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserManagerConfiguration {

		@Bean
		EvStreamManager userManager(JsonMapper jsonMapper) {
			return EvStreamManager.builder().jsonMapper(jsonMapper).maxConnections(7).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStateManagerConfiguration {

		@Bean
		EvStateManager userStateManager(EvStreamManager streams, JsonMapper jsonMapper) {
			return new EvStateManager(streams, jsonMapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBackendConfiguration {

		final Backend backend = new InMemoryBackend();

		@Bean
		Backend userBackend() {
			return this.backend;
		}

	}

}
