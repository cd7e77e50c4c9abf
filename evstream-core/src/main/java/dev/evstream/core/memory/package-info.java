/**
 * The embedded in-memory backend of a single instance: its bus, state store and channel
 * history.
 */
@NullMarked
package dev.evstream.core.memory;

import org.jspecify.annotations.NullMarked;
