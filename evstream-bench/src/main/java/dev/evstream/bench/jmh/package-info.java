/**
 * JMH benchmarks of the engine without the network: the SSE encoder and the broadcast
 * path from {@code send} to the bytes each connection hands to its HTTP layer.
 */
@NullMarked
package dev.evstream.bench.jmh;

import org.jspecify.annotations.NullMarked;
