package dev.evstream.spring.web;

/**
 * The tests of {@link HttpEdgesIntegrationTests} with the stream served from the Reactor
 * Netty route: the edges of HTTP are handled as on WebFlux.
 */
class RouteHttpEdgesIntegrationTests extends HttpEdgesIntegrationTests {

	@Override
	String transport() {
		return "route";
	}

}
