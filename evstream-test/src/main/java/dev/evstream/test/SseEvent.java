package dev.evstream.test;

import org.jspecify.annotations.Nullable;

/**
 * An event as a browser's {@code EventSource} dispatches it.
 *
 * @param event the event type, {@code message} by default
 * @param data the data, lines joined by LF
 * @param id the value of this event's own {@code id:} field, or {@code null} if it had
 * none
 * @param lastEventId the last event id after this event, as {@code EventSource} keeps it
 * @since 0.1.0
 */
public record SseEvent(String event, String data, @Nullable String id, String lastEventId) {

}
