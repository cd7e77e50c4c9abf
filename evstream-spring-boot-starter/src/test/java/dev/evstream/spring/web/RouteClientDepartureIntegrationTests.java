package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link ClientDepartureIntegrationTests} with the stream served from the
 * Reactor Netty route: clients that leave as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteClientDepartureIntegrationTests extends ClientDepartureIntegrationTests {

}
