package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link PendingConnectionsIntegrationTests} with the stream served from the
 * Reactor Netty route: pending connections as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RoutePendingConnectionsIntegrationTests extends PendingConnectionsIntegrationTests {

}
