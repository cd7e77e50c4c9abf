/**
 * Event bus SPI: carries channel messages, direct messages and state lifecycle between
 * instances, with an in-memory default.
 */
@NullMarked
package dev.evstream.core.bus;

import org.jspecify.annotations.NullMarked;
