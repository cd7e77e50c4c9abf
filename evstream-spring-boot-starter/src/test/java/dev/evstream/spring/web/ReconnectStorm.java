package dev.evstream.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that keep disconnecting and resuming while a publisher sends without pause:
 * each must end up with every message sent since it first connected, once, in order.
 */
public final class ReconnectStorm {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private ReconnectStorm() {
	}

	/**
	 * Runs the storm.
	 * @param publisher where the messages are sent
	 * @param channel the channel
	 * @param clients how many clients
	 * @param reconnects how many times each client connects
	 * @param portOfAttempt the port a client uses on its n-th connection
	 */
	public static void run(EvStreamManager publisher, String channel, int clients, int reconnects,
			IntUnaryOperator portOfAttempt) throws Exception {
		// about 500 messages a second, numbered without gaps, each sent once the previous
		// one was accepted
		AtomicLong number = new AtomicLong();
		// thrown in the error callback, a failure would only reach Reactor's logger on a
		// timer thread: keep it for the test's thread to report
		AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
		Disposable sender = Flux.interval(Duration.ofMillis(2))
			.onBackpressureDrop()
			.concatMap((tick) -> publisher.send(channel, EvMessage.of("chat", Long.toString(number.getAndIncrement()))),
					1)
			.subscribe(null, publisherFailure::set);
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		List<Future<List<Integer>>> results = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			results.add(pool.submit(() -> reconnect(channel, reconnects, portOfAttempt)));
		}
		try {
			for (Future<List<Integer>> result : results) {
				List<Integer> received = await(result, publisherFailure);
				assertThat(received).as("messages of one client across %d connections", reconnects)
					.hasSizeGreaterThanOrEqualTo(reconnects);
				for (int i = 1; i < received.size(); i++) {
					assertThat(received.get(i)).as("message after %s", received.get(i - 1))
						.isEqualTo(received.get(i - 1) + 1);
				}
			}
			checkPublisher(publisherFailure);
		}
		finally {
			sender.dispose();
			pool.shutdownNow();
		}
	}

	/**
	 * Waits for one client, failing as soon as the publisher has failed, since the
	 * clients then starve and their own failure would hide the cause.
	 */
	private static List<Integer> await(Future<List<Integer>> result, AtomicReference<Throwable> publisherFailure)
			throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (true) {
			checkPublisher(publisherFailure);
			try {
				return result.get(100, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("A client did not finish within 120 s", ex);
				}
			}
		}
	}

	private static void checkPublisher(AtomicReference<Throwable> publisherFailure) {
		Throwable failure = publisherFailure.get();
		if (failure != null) {
			throw new AssertionError("The publisher failed", failure);
		}
	}

	private static List<Integer> reconnect(String channel, int reconnects, IntUnaryOperator portOfAttempt) {
		List<Integer> received = new ArrayList<>();
		String lastEventId = null;
		for (int attempt = 0; attempt < reconnects; attempt++) {
			Map<String, String> headers = (lastEventId != null) ? Map.of("Last-Event-ID", lastEventId) : Map.of();
			try (SseTestClient client = SseTestClient.get("127.0.0.1", portOfAttempt.applyAsInt(attempt),
					"/evstream?channel=" + channel, headers)) {
				assertThat(client.status()).as("status of connection %d: %s", attempt, client.body()).isEqualTo(200);
				client.awaitEvents((events) -> events.stream().filter((e) -> e.event().equals("chat")).count() >= 2,
						TIMEOUT);
				// the reader goes on while this runs: the id must be that of the last
				// event counted
				List<SseEvent> events = client.events();
				assertThat(events).noneMatch((event) -> event.event().equals("reset"));
				for (SseEvent event : events) {
					if (event.event().equals("chat")) {
						received.add(Integer.parseInt(event.data()));
					}
				}
				lastEventId = events.get(events.size() - 1).lastEventId();
			}
		}
		return received;
	}

}
