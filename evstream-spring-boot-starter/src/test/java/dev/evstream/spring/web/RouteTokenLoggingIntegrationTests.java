package dev.evstream.spring.web;

/**
 * The tests of {@link TokenLoggingIntegrationTests} with the stream served from the
 * Reactor Netty route: no token reaches a log as on WebFlux.
 */
class RouteTokenLoggingIntegrationTests extends TokenLoggingIntegrationTests {

	@Override
	String transport() {
		return "route";
	}

}
