package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link HostileSocketIntegrationTests} with the stream served from the
 * Reactor Netty route: hostile sockets as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteHostileSocketIntegrationTests extends HostileSocketIntegrationTests {

}
