package dev.evstream.spring.web;

import java.time.Duration;

import dev.evstream.spring.EvstreamAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-configuration of the limits on connections that carry no stream.
 */
class ServerAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamWebFluxAutoConfiguration.class));

	@Test
	void guardShouldDefaultIdleTimeoutWhenBootLeavesItUnset() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ConnectionGuard.class);
			HttpServer server = context.getBean(ConnectionGuard.class).apply(HttpServer.create());
			assertThat(server.configuration().idleTimeout()).isEqualTo(Duration.ofSeconds(75));
		});
	}

	@Test
	void guardShouldLeaveIdleTimeoutToBootWhenSet() {
		this.contextRunner.withPropertyValues("server.netty.idle-timeout=5s").run((context) -> {
			HttpServer server = context.getBean(ConnectionGuard.class)
				.apply(HttpServer.create().idleTimeout(Duration.ofSeconds(5)));
			assertThat(server.configuration().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void guardShouldBeOffWhenDisabled() {
		this.contextRunner.withPropertyValues("evstream.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectionGuard.class));
	}

	@Test
	void guardShouldBackOffFromUserBean() {
		this.contextRunner.withUserConfiguration(UserGuard.class).run((context) -> {
			assertThat(context).hasSingleBean(ConnectionGuard.class);
			assertThat(context.getBean(ConnectionGuard.class)).isSameAs(context.getBean(UserGuard.class).guard);
		});
	}

	@Test
	void guardShouldBeOffWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnectionGuard.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserGuard {

		final ConnectionGuard guard = new ConnectionGuard(Duration.ofSeconds(1), 1, null,
				dev.evstream.core.metrics.StreamMetrics.NONE);

		@Bean
		ConnectionGuard evstreamConnectionGuard() {
			return this.guard;
		}

	}

	@Test
	void protocolGuardShouldBeOnByDefaultAndWithoutConnectionGuard() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(HttpProtocolGuard.class));
		this.contextRunner.withPropertyValues("evstream.server.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(HttpProtocolGuard.class));
	}

	@Test
	void protocolGuardShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserProtocolGuard.class)
			.run((context) -> assertThat(context).doesNotHaveBean(HttpProtocolGuard.class)
				.hasBean("evstreamHttpProtocolGuard"));
	}

	@Test
	void protocolGuardShouldBeOffWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HttpProtocolGuard.class));
	}

	@Test
	void errorDetailsShouldBeConfiguredInWebFluxApplication() {
		this.contextRunner
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ProblemDetailExceptionHandler.class)
				.hasBean("evstreamProblemDetailCodecCustomizer"));
	}

	@Test
	void errorDetailsShouldBeOffWithoutCodecCustomizers() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(CodecCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProblemDetailExceptionHandler.class)
				.doesNotHaveBean("evstreamProblemDetailCodecCustomizer"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserProtocolGuard {

		@Bean
		org.springframework.boot.reactor.netty.NettyServerCustomizer evstreamHttpProtocolGuard() {
			return (server) -> server;
		}

	}

}
