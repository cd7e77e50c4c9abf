package dev.evstream.bench.server.evstream;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The states the benchmarks set, created on first use, for {@code POST /state/{name}} and
 * for the timer alike.
 *
 * @since 0.1.0
 */
@Component
public class BenchStates {

	private final EvStateManager states;

	private final ConcurrentMap<String, Mono<EvState<String>>> known = new ConcurrentHashMap<>();

	BenchStates(EvStateManager states) {
		this.states = states;
	}

	/**
	 * Sets a new value of a state.
	 * @param name the state
	 * @param value the value
	 * @return completes once the value is set
	 */
	Mono<Void> set(String name, String value) {
		// created empty, so that the first value posted is broadcast like any other;
		// without blocking, since this runs on an event loop
		Mono<EvState<String>> state = this.known.computeIfAbsent(name,
				(key) -> this.states.createState(key, String.class, "").cache());
		return state.flatMap((created) -> created.set(value)).then();
	}

}
