package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link SlowClientIntegrationTests} with the stream served from the Reactor
 * Netty route: a client that stops reading as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteSlowClientIntegrationTests extends SlowClientIntegrationTests {

}
