package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link EvstreamEndpointAuthIntegrationTests} with the stream served from
 * the Reactor Netty route: authentication and permissions as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteEndpointAuthIntegrationTests extends EvstreamEndpointAuthIntegrationTests {

}
