package dev.evstream.sample;

import java.util.List;

import dev.evstream.core.auth.ChannelAuthorizer;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * Spring Security in the sample. By default everything is open (the SSE endpoint then
 * uses {@code SAMPLE_TOKENS}, if set). With the {@code secure} profile, {@code /evstream}
 * and its other endpoints (connection tickets, states, subscriptions, collections, logs,
 * record set actions and records) require HTTP Basic authentication (the client,
 * {@code /evstream/client.js}, stays public), and channel {@code admin} requires role
 * {@code ADMIN}: evstream takes the authenticated principal and hands it to the
 * {@link ChannelAuthorizer}, which also keeps each user's todo list to that user.
 * Actuator needs role {@code ADMIN} too, except health, which anyone may read without
 * details ({@code application-secure.properties}). Who is online in the chat
 * ({@code presence/chat}) and the rooms, states under generated keys, are streams and
 * state writes like the others, so they need a login too. The API stays open, as in the
 * default profile (anyone may create a room, which ends when nobody is in it); its writes
 * accept JSON only, which no page of another site can make a browser send, so CSRF
 * protection is not needed for them. The two demo users are for the demo only.
 * <p>
 * With {@code evstream.transport=route}, the stream ({@code GET /evstream}) is served in
 * front of WebFlux, where these filters do not see it: the route then takes a connection
 * ticket instead, and {@code POST /evstream/tickets}, guarded here like the stream was,
 * issues it to the authenticated principal, authorities included, so that channel
 * {@code admin} still needs role {@code ADMIN}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SampleSecurity {

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(
				User.withUsername("ann").password("{noop}ann-password").roles("ADMIN", "USER").build(),
				User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
	}

	@Bean
	@Profile("!secure")
	SecurityWebFilterChain openChain(ServerHttpSecurity http) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	@Bean
	@Profile("secure")
	SecurityWebFilterChain secureChain(ServerHttpSecurity http) {
		return http
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers("/evstream", "/evstream/tickets", "/evstream/states/**", "/evstream/subscriptions",
						"/evstream/collections/**", "/evstream/logs/**", "/evstream/actions/**", "/evstream/records/**")
				.authenticated()
				.matchers(EndpointRequest.to(HealthEndpoint.class))
				.permitAll()
				.matchers(EndpointRequest.toAnyEndpoint())
				.hasRole("ADMIN")
				.anyExchange()
				.permitAll())
			.httpBasic(Customizer.withDefaults())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	@Bean
	@Profile("secure")
	ChannelAuthorizer adminChannelAuthorizer() {
		return (principal, channel) -> {
			if (!channel.equals("admin")) {
				return Mono.just(TodoCollection.mayListen(principal, channel));
			}
			Object authorities = principal.attributes().getOrDefault("authorities", List.of());
			return Mono.just(authorities instanceof List<?> list && list.contains("ROLE_ADMIN"));
		};
	}

}
