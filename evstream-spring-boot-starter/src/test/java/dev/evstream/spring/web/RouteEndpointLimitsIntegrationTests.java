package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link EvstreamEndpointLimitsIntegrationTests} with the stream served from
 * the Reactor Netty route: the limits as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteEndpointLimitsIntegrationTests extends EvstreamEndpointLimitsIntegrationTests {

}
