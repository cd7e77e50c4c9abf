package dev.evstream.core.log;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An event of a log, as appended.
 *
 * @param sequence its position in the log, from {@code 1}
 * @param type its type
 * @param payload its payload, {@code null} for events without one
 * @param dispatcher the name of the principal who appended it
 * @param eventId the id the client gave it, or {@code null}
 * @since 0.1.0
 */
public record EvLogEntry(long sequence, String type, @Nullable JsonNode payload, String dispatcher,
		@Nullable String eventId) {
}
