/**
 * The three servers of the fan-out benchmarks, which share their endpoints: {@code GET}
 * SSE with {@code ?channel=}, {@code POST /publish?channel=} that broadcasts the request
 * body as the data of event {@code bench}, and {@code POST /timer} that broadcasts the
 * load generator's payloads from a timer inside the server ({@link TimerRequest},
 * {@link TimerPublication}).
 */
@NullMarked
package dev.evstream.bench.server;

import org.jspecify.annotations.NullMarked;
