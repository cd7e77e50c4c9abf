package dev.evstream.spring.record;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.web.EvstreamRecordHandler;
import dev.evstream.spring.web.EvstreamWebFluxAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamRecordAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamRecordAutoConfiguration.class));

	@Test
	void defaultsShouldConfigureRecordSetsOnTheEngine() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EvRecords.class).hasBean("evstreamRecords");
			EvRecordSet<Tag, Tag> tags = context.getBean(EvRecords.class)
				.register("tags",
						EvRecordSetModel.of(Tag.class, Tag.class)
							.id(Tag::name)
							.version((tag) -> 1)
							.loader((since) -> Flux.just(new Tag("a")))
							.onAction((recordSet, action, principal) -> Flux.just(action)));
			assertThat(tags.act(new Tag("b"), EvPrincipal.of("ann")).block(TIMEOUT)).containsExactly(new Tag("b"));
			assertThat(context.getBean(EvStreamManager.class).isClaimed("tags")).isTrue();
		});
	}

	@Test
	void userRecordsShouldBeUsed() {
		this.contextRunner.withUserConfiguration(UserRecordsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(EvRecords.class).doesNotHaveBean("evstreamRecords"));
	}

	@Test
	void recordsShouldNotBeConfiguredWithoutTheEngine() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamRecordAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvRecords.class));
	}

	@Test
	void handlerShouldBeConfiguredInReactiveWebApplication() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamRecordAutoConfiguration.class, EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvstreamRecordHandler.class)
				.hasBean("evstreamRecordHandler"));
	}

	record Tag(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRecordsConfiguration {

		@Bean
		EvRecords userRecords(EvStreamManager streams, JsonMapper jsonMapper) {
			return new EvRecords(streams, jsonMapper);
		}

	}

}
