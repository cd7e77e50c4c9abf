package dev.evstream.sample;

import java.util.Map;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shared counter: {@code GET /api/counter} reads it, {@code POST
 * /api/counter/increment} with an optional {@code {"by": n}} changes it, and every change
 * is broadcast on channel {@code counter}.
 *
 * @since 0.1.0
 */
@RestController
@RequestMapping("/api/counter")
public class CounterController {

	private final EvState<Integer> counter;

	private final JsonBodies bodies;

	CounterController(EvState<Integer> counter, JsonBodies bodies) {
		this.counter = counter;
		this.bodies = bodies;
	}

	@GetMapping
	Map<String, Integer> get() {
		return Map.of("value", this.counter.get());
	}

	@PostMapping("/increment")
	Mono<Map<String, Integer>> increment(@RequestBody(required = false) @Nullable String body) {
		int by = by(this.bodies.object(body));
		return this.counter.set((value) -> Math.addExact(value, by)).map((value) -> Map.of("value", value));
	}

	private int by(@Nullable JsonNode body) {
		if (body == null) {
			return 1;
		}
		this.bodies.onlyFields(body, "by");
		JsonNode by = body.get("by");
		if (by == null || by.isNull()) {
			return 1;
		}
		if (!by.isIntegralNumber() || !by.canConvertToInt()) {
			throw new IllegalArgumentException("'by' must be a whole number from " + Integer.MIN_VALUE + " to "
					+ Integer.MAX_VALUE + ", but was " + JsonBodies.describe(by));
		}
		return by.intValue();
	}

	/**
	 * Declares the counter state.
	 */
	@Configuration(proxyBeanMethods = false)
	static class CounterState {

		@Bean
		EvState<Integer> counter(EvStateManager states) {
			return states.createStateBlocking("counter", Integer.class, 0);
		}

	}

}
