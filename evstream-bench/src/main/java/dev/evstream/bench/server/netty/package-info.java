/**
 * The plain Netty reference server: each event encoded once into one buffer that every
 * subscriber writes, with one flush per subscriber per event-loop pass.
 */
@NullMarked
package dev.evstream.bench.server.netty;

import org.jspecify.annotations.NullMarked;
