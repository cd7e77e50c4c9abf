/**
 * Presence in a Spring application: the {@code EvPresence} bean, configured by
 * {@code evstream.presence.*}, and its join and leave counters.
 */
@NullMarked
package dev.evstream.spring.presence;

import org.jspecify.annotations.NullMarked;
