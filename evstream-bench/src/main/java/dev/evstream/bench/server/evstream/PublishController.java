package dev.evstream.bench.server.evstream;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes what the load generator posts: a broadcast of the body as event
 * {@code bench}, or a new value of a state.
 *
 * @since 0.1.0
 */
@RestController
public class PublishController {

	private final EvStreamManager streams;

	private final BenchStates states;

	PublishController(EvStreamManager streams, BenchStates states) {
		this.streams = streams;
		this.states = states;
	}

	@PostMapping("/publish")
	Mono<Void> publish(@RequestParam String channel, @RequestBody String body) {
		return this.streams.send(channel, EvMessage.of("bench", body));
	}

	@PostMapping("/state/{name}")
	Mono<Void> state(@PathVariable String name, @RequestBody String body) {
		return this.states.set(name, body);
	}

}
