/**
 * The hand-rolled WebFlux baseline, without evstream: a multicast sink per channel and a
 * {@code Flux<ServerSentEvent>} per client.
 */
@NullMarked
package dev.evstream.bench.server.baseline;

import org.jspecify.annotations.NullMarked;
