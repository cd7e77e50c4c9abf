/**
 * The load generator: SSE connections over Netty, an open-loop publisher, incremental
 * WHATWG SSE parsing, delivery accounting, and readings of the server process from
 * {@code /proc}.
 */
@NullMarked
package dev.evstream.bench.loadgen;

import org.jspecify.annotations.NullMarked;
