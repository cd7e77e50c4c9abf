package dev.evstream.spring.log;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogPayloadValidator;
import dev.evstream.core.log.EvLogs;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.web.EvstreamLogHandler;
import dev.evstream.spring.web.EvstreamWebFluxAutoConfiguration;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EvstreamLogAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamLogAutoConfiguration.class));

	@Test
	void defaultsShouldConfigureLogsWithoutPayloadValidation() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvLogs.class)
				.hasBean("evstreamLogs")
				.doesNotHaveBean(EvLogPayloadValidator.class);
			EvLog<Map<String, Integer>> log = payments(context.getBean(EvLogs.class));
			assertThat(log.append("pay", new Payment(0), EvPrincipal.of("ann")).block(TIMEOUT).sequence()).isEqualTo(1);
		});
	}

	@Test
	void beanValidationShouldRejectPayloadsThatBreakTheirConstraints() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(BeanValidationLogPayloadValidator.class)
					.hasBean("evstreamLogPayloadValidator");
				EvLog<Map<String, Integer>> log = payments(context.getBean(EvLogs.class));
				assertThatExceptionOfType(EvLogEventRejectedException.class)
					.isThrownBy(() -> log.append("pay", new Payment(0), EvPrincipal.of("ann")).block(TIMEOUT))
					.withMessage("payload.amount: must be greater than 0");
				log.append("pay", new Payment(3), EvPrincipal.of("ann")).block(TIMEOUT);
				assertThat(log.state().block(TIMEOUT)).isEqualTo(Map.of("paid", 3));
			});
	}

	@Test
	void beanValidationShouldBeSkippedWithoutAValidator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Validator.class))
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvLogs.class)
				.doesNotHaveBean(EvLogPayloadValidator.class));
	}

	@Test
	void userPayloadValidatorShouldBeUsed() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.withBean(EvLogPayloadValidator.class, () -> (type, payload) -> {
				throw new EvLogEventRejectedException("no " + type + " today");
			})
			.run((context) -> {
				assertThat(context).hasSingleBean(EvLogPayloadValidator.class)
					.doesNotHaveBean(BeanValidationLogPayloadValidator.class);
				EvLog<Map<String, Integer>> log = payments(context.getBean(EvLogs.class));
				assertThatExceptionOfType(EvLogEventRejectedException.class)
					.isThrownBy(() -> log.append("pay", new Payment(3), EvPrincipal.of("ann")).block(TIMEOUT))
					.withMessage("no pay today");
			});
	}

	@Test
	void userLogsShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserLogsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(EvLogs.class).doesNotHaveBean("evstreamLogs"));
	}

	@Test
	void logsShouldNotBeConfiguredWithoutTheEngine() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
					EvstreamLogAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvLogs.class));
	}

	@Test
	void handlerShouldBeConfiguredInReactiveWebApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamLogAutoConfiguration.class, EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvstreamLogHandler.class)
				.hasBean("evstreamLogHandler"));
	}

	private static EvLog<Map<String, Integer>> payments(EvLogs logs) {
		return logs.register("payments", EvLogModel.of(new TypeReference<Map<String, Integer>>() {
		}, Map.<String, Integer>of())
			.when("pay", Payment.class, (state, dispatcher, payment) -> Map.of("paid", payment.amount())));
	}

	record Payment(@Positive int amount) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserLogsConfiguration {

		@Bean
		EvLogs userLogs(EvStreamManager streams, JsonMapper jsonMapper) {
			return new EvLogs(streams, jsonMapper);
		}

	}

}
