package dev.evstream.spring.json;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EvstreamJsonAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamJsonAutoConfiguration.class));

	@Test
	void jsonMapperShouldRejectDuplicateKeysByDefault() {
		this.contextRunner.run((context) -> {
			JsonMapper jsonMapper = context.getBean(JsonMapper.class);
			assertThat(jsonMapper.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)).isTrue();
			assertThatExceptionOfType(StreamReadException.class)
				.isThrownBy(() -> jsonMapper.readTree("{\"by\":1,\"by\":100}"))
				.withMessageContaining("Duplicate Object property \"by\"");
			assertThatExceptionOfType(StreamReadException.class)
				.isThrownBy(() -> jsonMapper.readValue("{\"by\":1,\"by\":100}", Increment.class));
			assertThat(jsonMapper.readTree("{\"by\":1,\"nested\":{\"by\":2}}").path("by").asInt()).isEqualTo(1);
		});
	}

	@Test
	void jsonMapperShouldKeepLastDuplicateWhenTurnedOff() {
		this.contextRunner.withPropertyValues("evstream.json.reject-duplicate-keys=false").run((context) -> {
			assertThat(context).doesNotHaveBean(EvstreamJsonAutoConfiguration.RejectDuplicateKeysCustomizer.class);
			JsonMapper jsonMapper = context.getBean(JsonMapper.class);
			assertThat(jsonMapper.readTree("{\"by\":1,\"by\":100}").path("by").asInt()).isEqualTo(100);
		});
	}

	@Test
	void explicitSpringJacksonSettingShouldWin() {
		this.contextRunner.withPropertyValues("spring.jackson.read.strict-duplicate-detection=false")
			.run((context) -> assertThat(
					context.getBean(JsonMapper.class).isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
				.isFalse());
	}

	@Test
	void customizerShouldNotBeDefinedWithoutSpringBootJackson() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JsonMapperBuilderCustomizer.class))
			.run((context) -> assertThat(context)
				.doesNotHaveBean(EvstreamJsonAutoConfiguration.RejectDuplicateKeysCustomizer.class));
	}

	@Test
	void customizerShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserCustomizer.class).run((context) -> {
			assertThat(context).doesNotHaveBean(EvstreamJsonAutoConfiguration.RejectDuplicateKeysCustomizer.class);
			assertThat(context).getBean("evstreamRejectDuplicateKeysCustomizer").isSameAs(UserCustomizer.CUSTOMIZER);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizer {

		static final JsonMapperBuilderCustomizer CUSTOMIZER = (builder) -> {
		};

		@Bean
		JsonMapperBuilderCustomizer evstreamRejectDuplicateKeysCustomizer() {
			return CUSTOMIZER;
		}

	}

	record Increment(int by) {
	}

}
