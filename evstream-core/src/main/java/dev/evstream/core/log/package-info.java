/**
 * Server-validated event logs, as Krmx's Stream model: a state derived from an
 * append-only log of events, each validated by the server against the state so far before
 * it is appended and broadcast.
 */
@NullMarked
package dev.evstream.core.log;

import org.jspecify.annotations.NullMarked;
