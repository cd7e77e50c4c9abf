package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link CorsIntegrationTests} with the stream served from the Reactor Netty
 * route: CORS as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteCorsIntegrationTests extends CorsIntegrationTests {

}
