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
		this.contextRunner.withPropertyValues("evstream.max-connections=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("must be at least 1, but was 0");
		});
		this.contextRunner.withPropertyValues("evstream.max-listeners=-1")
			.run((context) -> assertThat(context).hasFailed());
		this.contextRunner.withPropertyValues("evstream.heartbeat=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("must be positive"));
		this.contextRunner.withPropertyValues("evstream.max-channels-per-connection=100")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("from 1 to 48"));
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
	static class UserBackendConfiguration {

		final Backend backend = new InMemoryBackend();

		@Bean
		Backend userBackend() {
			return this.backend;
		}

	}

}
