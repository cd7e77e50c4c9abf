package dev.evstream.spring.web;

import dev.evstream.core.EvStateManager;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogs;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.core.record.EvActionAuthorizer;
import dev.evstream.core.record.EvRecords;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.collection.EvstreamCollectionAutoConfiguration;
import dev.evstream.spring.json.JsonOnlyWebFilter;
import dev.evstream.spring.log.EvstreamLogAutoConfiguration;
import dev.evstream.spring.presence.EvstreamPresenceAutoConfiguration;
import dev.evstream.spring.record.EvstreamRecordAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.metrics.StreamMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationPredicate;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
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
import org.springframework.web.reactive.result.view.ViewResolver;

/**
 * Auto-configuration of the SSE endpoint at {@code evstream.path} in a reactive web
 * application. The endpoint authenticates tokens when an {@link Authenticator} bean
 * exists, and asks the {@link ChannelAuthorizer} bean, if any, for each channel.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
		after = { EvstreamAutoConfiguration.class, EvstreamCollectionAutoConfiguration.class,
				EvstreamLogAutoConfiguration.class, EvstreamRecordAutoConfiguration.class,
				EvstreamPresenceAutoConfiguration.class },
		afterName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(EvStreamManager.class)
public final class EvstreamWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EvstreamSseHandler evstreamSseHandler(EvStreamManager manager, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<EvStateManager> states, ObjectProvider<StreamMetrics> metrics,
			ObjectProvider<QueryTokenHider> tokenHider, ObjectProvider<EvPresence> presence) {
		StreamOpener opener = new StreamOpener(manager, permissions(authorizer, states, presence),
				metrics.getIfUnique(() -> StreamMetrics.NONE));
		return new EvstreamSseHandler(opener, principals(properties, authenticator, tokenHider), properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EvStateManager.class)
	EvstreamStateWriteHandler evstreamStateWriteHandler(EvStateManager states, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<QueryTokenHider> tokenHider,
			JsonMapper jsonMapper) {
		return new EvstreamStateWriteHandler(states, principals(properties, authenticator, tokenHider), jsonMapper,
				properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EvCollections.class)
	EvstreamCollectionHandler evstreamCollectionHandler(EvCollections collections, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<EvStateManager> states, ObjectProvider<EvCollectionWriteAuthorizer> writeAuthorizer,
			ObjectProvider<QueryTokenHider> tokenHider, ObjectProvider<EvPresence> presence, JsonMapper jsonMapper) {
		return new EvstreamCollectionHandler(collections, principals(properties, authenticator, tokenHider),
				permissions(authorizer, states, presence), writeAuthorizer.getIfUnique(), jsonMapper,
				properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EvLogs.class)
	EvstreamLogHandler evstreamLogHandler(EvLogs logs, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<EvLogAppendAuthorizer> appendAuthorizer,
			ObjectProvider<QueryTokenHider> tokenHider, JsonMapper jsonMapper) {
		return new EvstreamLogHandler(logs, principals(properties, authenticator, tokenHider),
				appendAuthorizer.getIfUnique(), jsonMapper, properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EvRecords.class)
	EvstreamRecordHandler evstreamRecordHandler(EvRecords records, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<EvStateManager> states, ObjectProvider<EvActionAuthorizer> actionAuthorizer,
			ObjectProvider<QueryTokenHider> tokenHider, ObjectProvider<EvPresence> presence, JsonMapper jsonMapper) {
		return new EvstreamRecordHandler(records, principals(properties, authenticator, tokenHider),
				permissions(authorizer, states, presence), actionAuthorizer.getIfUnique(), jsonMapper,
				properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamSubscriptionHandler evstreamSubscriptionHandler(EvStreamManager manager, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<EvStateManager> states, ObjectProvider<QueryTokenHider> tokenHider,
			ObjectProvider<EvPresence> presence, JsonMapper jsonMapper) {
		return new EvstreamSubscriptionHandler(manager, principals(properties, authenticator, tokenHider),
				permissions(authorizer, states, presence), jsonMapper, properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	EvConnectionTickets evstreamConnectionTickets(Backend backend, EvstreamProperties properties) {
		return new EvConnectionTickets(backend.ticketStore(), properties.getAuth().getTicketTtl());
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamTicketHandler evstreamTicketHandler(EvConnectionTickets tickets, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<QueryTokenHider> tokenHider) {
		return new EvstreamTicketHandler(tickets, principals(properties, authenticator, tokenHider),
				properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean
	EvstreamClientScriptHandler evstreamClientScriptHandler() {
		return new EvstreamClientScriptHandler();
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamRouterFunction")
	RouterFunction<ServerResponse> evstreamRouterFunction(EvstreamSseHandler evstreamSseHandler,
			EvstreamSubscriptionHandler evstreamSubscriptionHandler,
			EvstreamClientScriptHandler evstreamClientScriptHandler, EvstreamTicketHandler evstreamTicketHandler,
			ObjectProvider<EvstreamStateWriteHandler> evstreamStateWriteHandler,
			ObjectProvider<EvstreamCollectionHandler> evstreamCollectionHandler,
			ObjectProvider<EvstreamLogHandler> evstreamLogHandler,
			ObjectProvider<EvstreamRecordHandler> evstreamRecordHandler, EvstreamProperties properties) {
		String path = properties.getPath();
		// every other method at a path is answered 405 rather than left to fall through
		// to
		// static resources (404); CORS preflights match by the method they ask for
		RouterFunctions.Builder routes = RouterFunctions.route()
			.GET(path, evstreamSseHandler::handle)
			.GET(path + "/client.js", evstreamClientScriptHandler::handle)
			.route(RequestPredicates.path(path + "/client.js"), evstreamClientScriptHandler::methodNotAllowed)
			.POST(path + "/tickets", evstreamTicketHandler::handle)
			.route(RequestPredicates.path(path + "/tickets"), evstreamTicketHandler::methodNotAllowed)
			.POST(path + "/subscriptions", evstreamSubscriptionHandler::handle)
			.route(RequestPredicates.path(path + "/subscriptions"), evstreamSubscriptionHandler::methodNotAllowed);
		evstreamStateWriteHandler.ifAvailable((writes) -> routes.POST(path + "/states/{*key}", writes::handle)
			.route(RequestPredicates.path(path + "/states/{*key}"), writes::methodNotAllowed));
		evstreamCollectionHandler.ifAvailable((collections) -> routes
			.GET(path + "/collections/{stream}/{group}", collections::list)
			.route(RequestPredicates.path(path + "/collections/{stream}/{group}"), collections::listMethodNotAllowed)
			.POST(path + "/collections/{stream}/{group}/{id}", collections::write)
			.route(RequestPredicates.path(path + "/collections/{stream}/{group}/{id}"),
					collections::writeMethodNotAllowed));
		evstreamLogHandler.ifAvailable((logs) -> routes.POST(path + "/logs/{name}", logs::append)
			.route(RequestPredicates.path(path + "/logs/{name}"), logs::methodNotAllowed));
		evstreamRecordHandler.ifAvailable((records) -> routes.POST(path + "/actions/{name}", records::act)
			.route(RequestPredicates.path(path + "/actions/{name}"), records::actMethodNotAllowed)
			.GET(path + "/records/{name}", records::list)
			.route(RequestPredicates.path(path + "/records/{name}"), records::listMethodNotAllowed));
		return routes.route(RequestPredicates.path(path), evstreamSseHandler::methodNotAllowed).build();
	}

	/**
	 * Refuses writes to evstream's endpoints whose body is not JSON, so that no page of
	 * another site can make a browser send one (see {@link JsonOnlyWebFilter}).
	 */
	@Bean
	@ConditionalOnMissingBean(name = "evstreamJsonOnlyWrites")
	JsonOnlyWebFilter evstreamJsonOnlyWrites(EvstreamProperties properties, JsonMapper jsonMapper) {
		return new JsonOnlyWebFilter(jsonMapper, properties.getPath() + "/states/**",
				properties.getPath() + "/subscriptions", properties.getPath() + "/tickets",
				properties.getPath() + "/collections/**", properties.getPath() + "/logs/**",
				properties.getPath() + "/actions/**");
	}

	private static RequestPrincipals principals(EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<QueryTokenHider> tokenHider) {
		return new RequestPrincipals(authenticator.getIfUnique(), properties.getAuth().getQueryParam(),
				tokenHider.getIfUnique());
	}

	private static ListenPermissions permissions(ObjectProvider<ChannelAuthorizer> authorizer,
			ObjectProvider<EvStateManager> states, ObjectProvider<EvPresence> presence) {
		return new ListenPermissions(authorizer.getIfUnique(ChannelAuthorizer::permitAll), states.getIfUnique(),
				presence.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamQueryTokenHider")
	QueryTokenHider evstreamQueryTokenHider(EvstreamProperties properties) {
		String path = properties.getPath();
		return new QueryTokenHider(
				List.of(path, path + "/collections/*/*", path + "/logs/**", path + "/actions/**", path + "/records/*"),
				properties.getAuth().getQueryParam());
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamCorsWebFilter")
	@Conditional(CorsConfiguredCondition.class)
	CorsWebFilter evstreamCorsWebFilter(EvstreamProperties properties) {
		CorsConfiguration configuration = corsConfiguration(properties.getCors());
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(properties.getPath(), configuration);
		source.registerCorsConfiguration(properties.getPath() + "/**", configuration);
		return new CorsWebFilter(source);
	}

	private static CorsConfiguration corsConfiguration(EvstreamProperties.Cors cors) {
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(cors.getAllowedOrigins());
		configuration.setAllowedOriginPatterns(cors.getAllowedOriginPatterns());
		configuration.setAllowedMethods(List.of("GET", "POST"));
		configuration.setAllowedHeaders(cors.getAllowedHeaders());
		configuration.setAllowCredentials(cors.isAllowCredentials());
		configuration.setMaxAge(cors.getMaxAge());
		return configuration;
	}

	/**
	 * Serves the stream from a Reactor Netty route, with
	 * {@code evstream.transport=route}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyRouteProvider.class })
	@ConditionalOnProperty(name = "evstream.transport", havingValue = "route")
	static class RouteConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamStreamRoute")
		NettyRouteProvider evstreamStreamRoute(EvStreamManager manager, EvstreamProperties properties,
				EvConnectionTickets tickets, ObjectProvider<Authenticator> authenticator,
				ObjectProvider<ChannelAuthorizer> authorizer, ObjectProvider<EvStateManager> states,
				ObjectProvider<StreamMetrics> metrics, ObjectProvider<EvPresence> presence, JsonMapper jsonMapper,
				ConfigurableListableBeanFactory beanFactory, Environment environment) {
			RouteBypass bypass = RouteBypass.of(beanFactory, properties.getPath(),
					properties.getAuth().getRequireTickets());
			bypass.log();
			StreamOpener opener = new StreamOpener(manager, permissions(authorizer, states, presence),
					metrics.getIfUnique(() -> StreamMetrics.NONE));
			RequestPrincipals principals = new RequestPrincipals(authenticator.getIfUnique(),
					properties.getAuth().getQueryParam(), null)
				.withTickets(tickets, bypass.ticketsRequiredBecause());
			CorsConfiguration cors = CorsConfiguredCondition.isConfigured(properties.getCors())
					? corsConfiguration(properties.getCors()) : null;
			String basePath = environment.getProperty("spring.webflux.base-path", "");
			return new EvstreamStreamRoute(basePath + properties.getPath(), opener, principals, cors, jsonMapper,
					properties.getRetry());
		}

	}

	/**
	 * Redacts tokens from Reactor Netty's access log, when it is on.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
	static class AccessLogConfiguration {

		private static final String ACCESS_LOG = "reactor.netty.http.server.accessLogEnabled";

		@Bean
		@ConditionalOnMissingBean(name = "evstreamAccessLogRedaction")
		NettyServerCustomizer evstreamAccessLogRedaction(EvstreamProperties properties) {
			return (server) -> Boolean.getBoolean(ACCESS_LOG)
					? server.accessLog(true, new TokenRedactingAccessLog(properties.getAuth().getQueryParam()))
					: server;
		}

	}

	/**
	 * Gives every error a {@code detail}: problem details written without one get a
	 * sentence for their status, errors that reach the error handler are problem details
	 * when the application answers problem details, and a body over the codecs' limit is
	 * a {@code 413} wherever it is read.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationPredicate.class, ServerRequestObservationContext.class })
	@ConditionalOnProperty(name = "evstream.metrics.observe-streams", havingValue = "false", matchIfMissing = true)
	static class StreamObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamStreamRequestObservations")
		ObservationPredicate evstreamStreamRequestObservations(EvstreamProperties properties) {
			return new StreamRequestObservations(properties.getPath());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CodecCustomizer.class)
	static class ErrorDetailsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamProblemDetailCodecCustomizer")
		CodecCustomizer evstreamProblemDetailCodecCustomizer() {
			return (configurer) -> configurer.customCodecs().register(new ProblemDetailWriter(configurer::getWriters));
		}

		@Bean
		@ConditionalOnMissingBean(name = "evstreamProblemDetailExceptionHandler")
		@ConditionalOnBean(ServerCodecConfigurer.class)
		ProblemDetailExceptionHandler evstreamProblemDetailExceptionHandler(Environment environment,
				ServerCodecConfigurer codecs, ObjectProvider<ViewResolver> viewResolvers) {
			boolean problemDetails = environment.getProperty("spring.webflux.problemdetails.enabled", Boolean.class,
					false);
			return new ProblemDetailExceptionHandler(problemDetails, codecs, viewResolvers.orderedStream().toList());
		}

	}

	/**
	 * Answers what the HTTP/1.x codec lets through but WebFlux should not see (unknown
	 * protocol versions), what it refuses (oversized or malformed heads) with problem
	 * details, and sends HTTP/1.0 responses close-delimited rather than chunked.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
	static class ProtocolConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "evstreamHttpProtocolGuard")
		HttpProtocolGuard evstreamHttpProtocolGuard() {
			return new HttpProtocolGuard();
		}

	}

	/**
	 * Bounds connections that carry no stream on Reactor Netty: request heads time out,
	 * such connections are limited in number, and idle ones time out when Spring Boot's
	 * {@code server.netty.idle-timeout} is not set.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
	@ConditionalOnProperty(name = "evstream.server.enabled", matchIfMissing = true)
	static class ServerConfiguration {

		/**
		 * Idle timeout of connections between requests when Spring Boot's is not set:
		 * longer than the 60 seconds after which common load balancers drop an idle
		 * connection, so that they close it first and never send a request on a
		 * connection this server is closing.
		 */
		static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

		@Bean
		@ConditionalOnMissingBean(name = "evstreamConnectionGuard")
		ConnectionGuard evstreamConnectionGuard(EvstreamProperties properties, ObjectProvider<StreamMetrics> metrics,
				Environment environment) {
			boolean idleTimeoutSet = Binder.get(environment)
				.bind("server.netty.idle-timeout", Duration.class)
				.isBound();
			EvstreamProperties.Server server = properties.getServer();
			return new ConnectionGuard(server.getRequestTimeout(), server.getMaxPendingConnections(),
					idleTimeoutSet ? null : DEFAULT_IDLE_TIMEOUT, metrics.getIfUnique(() -> StreamMetrics.NONE));
		}

		/**
		 * The gauge of connections that carry no stream.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterBinder.class)
		@ConditionalOnProperty(name = "evstream.metrics.enabled", matchIfMissing = true)
		static class PendingConnectionsMeterConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "evstreamPendingConnectionsMeter")
			MeterBinder evstreamPendingConnectionsMeter(ObjectProvider<ConnectionGuard> guard) {
				return (registry) -> guard.ifAvailable((available) -> Gauge
					.builder("evstream.connections.pending", available, ConnectionGuard::pendingCount)
					.description("Accepted connections that carry no stream on this instance")
					.register(registry));
			}

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
			return isConfigured(cors) ? ConditionOutcome.match("evstream.cors lists allowed origins")
					: ConditionOutcome.noMatch("evstream.cors lists no allowed origin");
		}

		/**
		 * Whether evstream's CORS settings list any origin: without one, CORS stays off.
		 */
		static boolean isConfigured(EvstreamProperties.Cors cors) {
			return !cors.getAllowedOrigins().isEmpty() || !cors.getAllowedOriginPatterns().isEmpty();
		}

	}

}
