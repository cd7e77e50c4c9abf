package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link EvstreamEndpointIntegrationTests} with the stream served from the
 * Reactor Netty route: the endpoint's behaviour as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteEndpointIntegrationTests extends EvstreamEndpointIntegrationTests {

}
