package dev.evstream.spring.collection;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionChange;
import dev.evstream.core.collection.EvCollectionLimitException;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import dev.evstream.spring.web.EvstreamCollectionHandler;
import dev.evstream.spring.web.EvstreamWebFluxAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EvstreamCollectionAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamCollectionAutoConfiguration.class));

	@Test
	void defaultsShouldConfigureCollectionsAndTheListenerProcessor() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvCollections.class)
				.hasBean("evstreamCollections")
				.hasSingleBean(EvCollectionListenerMethodProcessor.class)
				.hasBean("evstreamCollectionListenerMethodProcessor");
			EvCollection<Map<String, Object>> items = context.getBean(EvCollections.class)
				.collection("items", new TypeReference<Map<String, Object>>() {
				});
			items.set("g", "a", Map.of("text", "x".repeat(60_000))).block(TIMEOUT);
			assertThatExceptionOfType(EvCollectionLimitException.class)
				.isThrownBy(() -> items.set("g", "b", Map.of("text", "x".repeat(70_000))).block(TIMEOUT));
		});
	}

	@Test
	void limitsShouldBindFromProperties() {
		this.contextRunner
			.withPropertyValues("evstream.collections.max-items-per-group=2",
					"evstream.collections.max-item-bytes=100B")
			.run((context) -> {
				EvCollection<Map<String, Object>> items = context.getBean(EvCollections.class)
					.collection("items", new TypeReference<Map<String, Object>>() {
					});
				items.set("g", "a", Map.of("n", 1)).block(TIMEOUT);
				items.set("g", "b", Map.of("n", 2)).block(TIMEOUT);
				assertThatExceptionOfType(EvCollectionLimitException.class)
					.isThrownBy(() -> items.set("g", "c", Map.of("n", 3)).block(TIMEOUT));
				assertThatExceptionOfType(EvCollectionLimitException.class)
					.isThrownBy(() -> items.set("g", "a", Map.of("text", "x".repeat(100))).block(TIMEOUT));
				assertThat(items.list("g").block(TIMEOUT)).containsOnlyKeys("a", "b");
			});
	}

	@Test
	void invalidLimitsShouldFailAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("evstream.collections.max-items-per-group=0").run((context) -> {
			assertThat(context).hasFailed();
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.collections.max-items-per-group");
			assertThat(ex.getValue()).isEqualTo(0);
			assertThat(ex.getReason()).isEqualTo("Items per group must be at least 1, but was 0");
			assertThat(ex).hasMessage("Invalid value '0' for property 'evstream.collections.max-items-per-group': "
					+ "Items per group must be at least 1, but was 0");
		});
		this.contextRunner.withPropertyValues("evstream.collections.max-item-bytes=0B").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.collections.max-item-bytes");
			assertThat(ex.getValue()).isEqualTo(DataSize.ofBytes(0));
			assertThat(ex.getReason()).isEqualTo("Item bytes must be at least 2, but was 0");
		});
		this.contextRunner.withPropertyValues("evstream.collections.max-item-bytes=4GB").run((context) -> {
			InvalidEvstreamPropertyException ex = invalidProperty(context.getStartupFailure());
			assertThat(ex.getName()).isEqualTo("evstream.collections.max-item-bytes");
			assertThat(ex.getReason()).isEqualTo("must be at most 2147483647 bytes, but was 4294967296");
		});
	}

	@Test
	void userCollectionsShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserCollectionsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(EvCollections.class).doesNotHaveBean("evstreamCollections");
			assertThat(context).hasSingleBean(EvCollectionListenerMethodProcessor.class);
		});
	}

	@Test
	void collectionsShouldNotBeConfiguredWithoutTheEngine() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamCollectionAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvCollections.class)
				.doesNotHaveBean(EvCollectionListenerMethodProcessor.class));
	}

	@Test
	void listenerWithAnotherParameterShouldFailAtStartup() {
		this.contextRunner.withUserConfiguration(WrongListenerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("must take exactly one parameter, of type EvCollectionChange")
				.hasMessageContaining("'wrongListener'");
		});
	}

	@Test
	void handlerShouldBeConfiguredInReactiveWebApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamCollectionAutoConfiguration.class, EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvstreamCollectionHandler.class)
				.hasBean("evstreamCollectionHandler"));
	}

	private static InvalidEvstreamPropertyException invalidProperty(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof InvalidEvstreamPropertyException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("cause of %s", failure).isNotNull();
		return (InvalidEvstreamPropertyException) candidate;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCollectionsConfiguration {

		@Bean
		EvCollections userCollections(EvStreamManager streams, JsonMapper jsonMapper) {
			return new EvCollections(streams, jsonMapper);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongListenerConfiguration {

		@Bean
		WrongListener wrongListener() {
			return new WrongListener();
		}

	}

	static class WrongListener {

		@EvCollectionListener(stream = "items")
		void onChange(EvCollectionChange<Object> change, String extra) {
		}

	}

}
