package dev.evstream.spring.web;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;

import java.util.List;

import dev.evstream.core.metrics.StreamMetrics;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Auto-configuration of the SSE endpoint at {@code evstream.path} in a reactive web
 * application. The endpoint authenticates tokens when an {@link Authenticator} bean
 * exists, and asks the {@link ChannelAuthorizer} bean, if any, for each channel.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EvstreamAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(EvStreamManager.class)
public final class EvstreamWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EvstreamSseHandler evstreamSseHandler(EvStreamManager manager, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<StreamMetrics> metrics, ObjectProvider<QueryTokenHider> tokenHider) {
		return new EvstreamSseHandler(manager, authenticator.getIfUnique(),
				authorizer.getIfUnique(ChannelAuthorizer::permitAll), metrics.getIfUnique(() -> StreamMetrics.NONE),
				properties.getAuth().getQueryParam(), properties.getRetry(), tokenHider.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamRouterFunction")
	RouterFunction<ServerResponse> evstreamRouterFunction(EvstreamSseHandler evstreamSseHandler,
			EvstreamProperties properties) {
		return RouterFunctions.route(RequestPredicates.GET(properties.getPath()), evstreamSseHandler::handle);
	}

	@Bean
	@ConditionalOnMissingBean
	QueryTokenHider evstreamQueryTokenHider(EvstreamProperties properties) {
		return new QueryTokenHider(properties.getPath(), properties.getAuth().getQueryParam());
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamCorsWebFilter")
	@Conditional(CorsConfiguredCondition.class)
	CorsWebFilter evstreamCorsWebFilter(EvstreamProperties properties) {
		EvstreamProperties.Cors cors = properties.getCors();
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(cors.getAllowedOrigins());
		configuration.setAllowedOriginPatterns(cors.getAllowedOriginPatterns());
		configuration.setAllowedMethods(List.of("GET"));
		configuration.setAllowedHeaders(cors.getAllowedHeaders());
		configuration.setAllowCredentials(cors.isAllowCredentials());
		configuration.setMaxAge(cors.getMaxAge());
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(properties.getPath(), configuration);
		return new CorsWebFilter(source);
	}

	/**
	 * Redacts tokens from Reactor Netty's access log, when it is on.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
	static class AccessLogConfiguration {

		private static final String ACCESS_LOG = "reactor.netty.http.server.accessLogEnabled";

		@Bean
		NettyServerCustomizer evstreamAccessLogRedaction(EvstreamProperties properties) {
			return (server) -> Boolean.getBoolean(ACCESS_LOG)
					? server.accessLog(true, new TokenRedactingAccessLog(properties.getAuth().getQueryParam()))
					: server;
		}

	}

	/**
	 * Matches when {@code evstream.cors} lists allowed origins or origin patterns.
	 */
	static class CorsConfiguredCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			EvstreamProperties.Cors cors = Binder.get(context.getEnvironment())
				.bind("evstream.cors", EvstreamProperties.Cors.class)
				.orElseGet(EvstreamProperties.Cors::new);
			boolean configured = !cors.getAllowedOrigins().isEmpty() || !cors.getAllowedOriginPatterns().isEmpty();
			return configured ? ConditionOutcome.match("evstream.cors lists allowed origins")
					: ConditionOutcome.noMatch("evstream.cors lists no allowed origin");
		}

	}

}
