/**
 * The three servers of the fan-out benchmarks, which share their endpoints: {@code GET}
 * SSE with {@code ?channel=}, and {@code POST /publish?channel=} that broadcasts the
 * request body as the data of event {@code bench}.
 */
@NullMarked
package dev.evstream.bench.server;

import org.jspecify.annotations.NullMarked;
