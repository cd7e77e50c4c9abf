/**
 * Metrics SPI: what the engine counts, for a metrics library to record.
 */
@NullMarked
package dev.evstream.core.metrics;

import org.jspecify.annotations.NullMarked;
