/**
 * Channel history SPI: per-channel sequences and a bounded log for resuming streams, with
 * an in-memory default.
 */
@NullMarked
package dev.evstream.core.history;

import org.jspecify.annotations.NullMarked;
