package dev.evstream.spring.web;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;

import org.springframework.beans.factory.ObjectProvider;
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
	EvstreamEndpoint evstreamEndpoint(EvStreamManager manager, EvstreamProperties properties,
			ObjectProvider<Authenticator> authenticator, ObjectProvider<ChannelAuthorizer> authorizer) {
		return new EvstreamEndpoint(manager, authenticator.getIfUnique(),
				authorizer.getIfUnique(ChannelAuthorizer::permitAll), properties.getAuth().getQueryParam(),
				properties.getMaxChannelsPerConnection(), properties.getRetry());
	}

	@Bean
	@ConditionalOnMissingBean(name = "evstreamRouterFunction")
	RouterFunction<ServerResponse> evstreamRouterFunction(EvstreamEndpoint evstreamEndpoint,
			EvstreamProperties properties) {
		return RouterFunctions.route(RequestPredicates.GET(properties.getPath()), evstreamEndpoint::handle);
	}

}
