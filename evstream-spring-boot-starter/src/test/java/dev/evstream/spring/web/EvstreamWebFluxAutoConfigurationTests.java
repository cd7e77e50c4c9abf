package dev.evstream.spring.web;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.spring.EvstreamAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.reactor.netty.NettyRouteProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

class EvstreamWebFluxAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
				EvstreamWebFluxAutoConfiguration.class));

	@Test
	void endpointShouldBeConfiguredByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EvstreamSseHandler.class)
			.hasBean("evstreamSseHandler")
			.hasBean("evstreamRouterFunction")
			.hasBean("evstreamQueryTokenHider")
			.hasBean("evstreamAccessLogRedaction")
			.hasBean("evstreamPendingConnectionsMeter")
			.doesNotHaveBean(CorsWebFilter.class));
	}

	@Test
	void clientEndpointsShouldBeConfiguredByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EvstreamStateWriteHandler.class)
			.hasSingleBean(EvstreamSubscriptionHandler.class)
			.hasSingleBean(EvstreamClientScriptHandler.class)
			.hasBean("evstreamStateWriteHandler")
			.hasBean("evstreamSubscriptionHandler")
			.hasBean("evstreamClientScriptHandler")
			.hasBean("evstreamJsonOnlyWrites"));
	}

	@Test
	void streamShouldBeServedByWebFluxByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(NettyRouteProvider.class)
			.hasSingleBean(EvConnectionTickets.class)
			.hasSingleBean(EvstreamTicketHandler.class));
	}

	@Test
	void streamShouldBeServedByTheRouteWhenAsked() {
		this.contextRunner.withPropertyValues("evstream.transport=route")
			.run((context) -> assertThat(context).hasSingleBean(NettyRouteProvider.class)
				.hasBean("evstreamStreamRoute")
				.hasSingleBean(EvstreamTicketHandler.class));
	}

	@Test
	void routeShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withPropertyValues("evstream.transport=route")
			.withBean("evstreamStreamRoute", String.class, () -> "user's")
			.run((context) -> assertThat(context).doesNotHaveBean(NettyRouteProvider.class)
				.getBean("evstreamStreamRoute")
				.isEqualTo("user's"));
	}

	@Test
	void routeShouldNotBeConfiguredWithoutReactorNetty() {
		this.contextRunner.withPropertyValues("evstream.transport=route")
			.withClassLoader(new FilteredClassLoader(NettyRouteProvider.class))
			.run((context) -> assertThat(context).doesNotHaveBean("evstreamStreamRoute")
				.hasSingleBean(EvstreamSseHandler.class));
	}

	@Test
	void jsonOnlyWritesShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withBean("evstreamJsonOnlyWrites", String.class, () -> "user's")
			.run((context) -> assertThat(context).getBean("evstreamJsonOnlyWrites").isEqualTo("user's"));
	}

	@Test
	void endpointShouldBeOffOutsideReactiveWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EvstreamAutoConfiguration.class,
					EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(EvStreamManager.class)
				.doesNotHaveBean(EvstreamSseHandler.class)
				.doesNotHaveBean("evstreamRouterFunction"));
	}

	@Test
	void endpointShouldBeOffWithoutFunctionalWebFlux() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RouterFunction.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamSseHandler.class));
	}

	@Test
	void endpointShouldBeOffWithoutStreamManager() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EvstreamWebFluxAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(EvstreamSseHandler.class));
	}

	@Test
	void routerFunctionShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserRouter.class)
			.run((context) -> assertThat(context).getBean("evstreamRouterFunction").isSameAs(UserRouter.ROUTER));
	}

	@Test
	void queryTokenHiderShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserTokenHider.class)
			.run((context) -> assertThat(context).doesNotHaveBean(QueryTokenHider.class)
				.hasBean("evstreamQueryTokenHider"));
	}

	@Test
	void corsShouldBeOnWithOrigins() {
		this.contextRunner.withPropertyValues("evstream.cors.allowed-origins=https://app.example.com")
			.run((context) -> assertThat(context).hasSingleBean(CorsWebFilter.class).hasBean("evstreamCorsWebFilter"));
		this.contextRunner.withPropertyValues("evstream.cors.allowed-origin-patterns[0]=https://*.example.com")
			.run((context) -> assertThat(context).hasSingleBean(CorsWebFilter.class));
	}

	@Test
	void corsShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withPropertyValues("evstream.cors.allowed-origins=https://app.example.com")
			.withUserConfiguration(UserCors.class)
			.run((context) -> assertThat(context).getBean("evstreamCorsWebFilter").isSameAs(UserCors.FILTER));
	}

	@Test
	void accessLogRedactionShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserAccessLog.class)
			.run((context) -> assertThat(context).getBean("evstreamAccessLogRedaction")
				.isSameAs(UserAccessLog.CUSTOMIZER));
	}

	@Test
	void pendingConnectionsMeterShouldBeOffWhenMetricsAreDisabled() {
		this.contextRunner.withPropertyValues("evstream.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("evstreamPendingConnectionsMeter"));
	}

	@Test
	void pendingConnectionsMeterShouldBeOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasSingleBean(ConnectionGuard.class)
				.doesNotHaveBean("evstreamPendingConnectionsMeter"));
	}

	@Test
	void pendingConnectionsMeterShouldBackOffFromBeanOfSameName() {
		this.contextRunner.withUserConfiguration(UserPendingMeter.class)
			.run((context) -> assertThat(context).getBean("evstreamPendingConnectionsMeter")
				.isSameAs(UserPendingMeter.METER));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRouter {

		static final RouterFunction<ServerResponse> ROUTER = RouterFunctions.route()
			.GET("/mine", (request) -> ServerResponse.ok().build())
			.build();

		@Bean
		RouterFunction<ServerResponse> evstreamRouterFunction() {
			return ROUTER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenHider {

		@Bean
		Object evstreamQueryTokenHider() {
			return new Object();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCors {

		static final CorsWebFilter FILTER = new CorsWebFilter(new UrlBasedCorsConfigurationSource());

		@Bean
		CorsWebFilter evstreamCorsWebFilter() {
			return FILTER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAccessLog {

		static final NettyServerCustomizer CUSTOMIZER = (server) -> server;

		@Bean
		NettyServerCustomizer evstreamAccessLogRedaction() {
			return CUSTOMIZER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPendingMeter {

		static final MeterBinder METER = (registry) -> {
		};

		@Bean
		MeterBinder evstreamPendingConnectionsMeter() {
			return METER;
		}

	}

}
