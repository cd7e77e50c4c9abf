/**
 * The load generator: SSE connections over Netty (to one server, or round robin to the
 * replicas of a cluster), three publishers (open loop in bursts, paced, or a timer inside
 * the server), incremental WHATWG SSE parsing, delivery accounting, and readings of the
 * server process from {@code /proc}.
 */
@NullMarked
package dev.evstream.bench.loadgen;

import org.jspecify.annotations.NullMarked;
