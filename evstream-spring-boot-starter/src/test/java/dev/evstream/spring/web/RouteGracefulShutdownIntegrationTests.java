package dev.evstream.spring.web;

/**
 * The tests of {@link GracefulShutdownIntegrationTests} with the stream served from the
 * Reactor Netty route: a graceful shutdown ends every stream as on WebFlux.
 */
class RouteGracefulShutdownIntegrationTests extends GracefulShutdownIntegrationTests {

	@Override
	String transport() {
		return "route";
	}

}
