package dev.evstream.bench.server.evstream;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.evstream.bench.server.TimerPublication;
import dev.evstream.bench.server.TimerRequest;
import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes from a timer inside the server ({@code POST /timer}, see
 * {@link TimerRequest}): one scheduled platform thread calls {@link EvStreamManager#send}
 * and subscribes to its result, so no event loop blocks and no HTTP request precedes a
 * broadcast.
 *
 * @since 0.1.0
 */
@RestController
public class TimerController implements DisposableBean {

	private final EvStreamManager streams;

	private final BenchStates states;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-timer");
		thread.setDaemon(true);
		return thread;
	});

	TimerController(EvStreamManager streams, BenchStates states) {
		this.streams = streams;
		this.states = states;
	}

	@PostMapping(path = "/timer", produces = "text/plain")
	Mono<String> timer(@RequestParam Map<String, String> parameters) {
		TimerRequest request = TimerRequest.of(parameters::get);
		// with state=<name>, the timer sets that state as POST /state/{name} does
		String state = parameters.get("state");
		return Mono.fromFuture(() -> TimerPublication.start(request, this.timer, (body, outcome) -> {
			String text = new String(body, StandardCharsets.US_ASCII);
			Mono<Void> sent = (state != null) ? this.states.set(state, text)
					: this.streams.send(request.channel(), EvMessage.of("bench", text));
			sent.subscribe(null, (error) -> outcome.accept(false), () -> outcome.accept(true));
		})).map(TimerPublication.Outcome::text);
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}
