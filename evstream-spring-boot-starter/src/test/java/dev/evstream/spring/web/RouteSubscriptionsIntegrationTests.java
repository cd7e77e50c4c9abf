package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link SubscriptionsIntegrationTests} with the stream served from the
 * Reactor Netty route: subscription changes as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteSubscriptionsIntegrationTests extends SubscriptionsIntegrationTests {

}
