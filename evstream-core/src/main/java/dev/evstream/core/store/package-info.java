/**
 * State store SPI: the authoritative, versioned value of every state, with an in-memory
 * default.
 */
@NullMarked
package dev.evstream.core.store;

import org.jspecify.annotations.NullMarked;
