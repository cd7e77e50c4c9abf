package dev.evstream.spring.web;

import org.springframework.test.context.TestPropertySource;

/**
 * The tests of {@link ResumeIntegrationTests} with the stream served from the Reactor
 * Netty route: resuming as on WebFlux.
 */
@TestPropertySource(properties = "evstream.transport=route")
class RouteResumeIntegrationTests extends ResumeIntegrationTests {

}
