package dev.evstream.bench.server.baseline;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.evstream.bench.server.TimerPublication;
import dev.evstream.bench.server.TimerRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The textbook broadcaster: one multicast sink per channel, each client a
 * {@code Flux<ServerSentEvent>} mapped from it, so every event is built and encoded once
 * per client.
 *
 * @since 0.1.0
 */
@RestController
public class BroadcastController implements DisposableBean {

	private final Map<String, Sinks.Many<String>> channels = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-timer");
		thread.setDaemon(true);
		return thread;
	});

	@GetMapping(path = "/evstream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> stream(@RequestParam String channel) {
		// WebFlux sends the response head with the first event: a comment once the sink
		// has the subscriber (merge subscribes in order) tells the client it is
		// subscribed, as the other servers' heads do
		return sink(channel).asFlux()
			.map((data) -> ServerSentEvent.builder(data).event("bench").build())
			.mergeWith(Flux.just(ServerSentEvent.<String>builder().comment("subscribed").build()));
	}

	@PostMapping("/publish")
	ResponseEntity<Void> publish(@RequestParam String channel, @RequestBody String body) {
		return emit(channel, body) ? ResponseEntity.ok().build()
				: ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
	}

	/**
	 * Publishes from a timer inside the server, see {@link TimerRequest}: one scheduled
	 * thread emits as {@code /publish} does.
	 */
	@PostMapping(path = "/timer", produces = "text/plain")
	Mono<String> timer(@RequestParam Map<String, String> parameters) {
		TimerRequest request = TimerRequest.of(parameters::get);
		return Mono
			.fromFuture(() -> TimerPublication.start(request, this.timer,
					(body, outcome) -> outcome
						.accept(emit(request.channel(), new String(body, StandardCharsets.US_ASCII)))))
			.map(TimerPublication.Outcome::text);
	}

	private boolean emit(String channel, String body) {
		Sinks.Many<String> sink = sink(channel);
		// a sink refuses concurrent emissions, and posts arrive on several event loops
		synchronized (sink) {
			return sink.tryEmitNext(body).isSuccess();
		}
	}

	private Sinks.Many<String> sink(String channel) {
		// without autoCancel=false the sink dies when its last client leaves, the first
		// bug such code meets
		return this.channels.computeIfAbsent(channel,
				(name) -> Sinks.many().multicast().onBackpressureBuffer(Queues.SMALL_BUFFER_SIZE, false));
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}
