/**
 * Micrometer meters of evstream: connections, messages, dropped and coalesced events,
 * state updates, bus resyncs and resumes.
 */
@NullMarked
package dev.evstream.spring.metrics;

import org.jspecify.annotations.NullMarked;
