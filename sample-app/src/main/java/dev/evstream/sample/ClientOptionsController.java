package dev.evstream.sample;

import java.util.Map;

import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.EvstreamProperties.Transport;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the sample page passes to the client's {@code connect}, besides its URL and token:
 * {@code GET /api/client-options} answers {@code {"tickets": true}} when the server
 * serves the stream from the Reactor Netty route ({@code evstream.transport=route}). The
 * sample always has a {@code SecurityWebFilterChain} ({@link SampleSecurity}, open by
 * default), and since no WebFilter sees the route's streams, the route then requires a
 * connection ticket for each of them. The page asks once, on load, so that the same page
 * works on either transport.
 *
 * @since 0.1.0
 */
@RestController
class ClientOptionsController {

	private final boolean tickets;

	ClientOptionsController(EvstreamProperties properties) {
		this.tickets = properties.getTransport() == Transport.ROUTE;
	}

	@GetMapping("/api/client-options")
	Map<String, Boolean> options() {
		return Map.of("tickets", this.tickets);
	}

}
