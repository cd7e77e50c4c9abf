/**
 * Presence, as iii's join and leave triggers: who listens to which channel across the
 * instances, the triggers that run once per join and leave, and the {@code presence/}
 * channels that show a channel's members to its clients.
 */
@NullMarked
package dev.evstream.core.presence;

import org.jspecify.annotations.NullMarked;
