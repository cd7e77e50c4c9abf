package dev.evstream.core;

import java.util.List;
import java.util.Objects;

import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * What a client asks for when it opens a stream through
 * {@link EvStreamManager#connect(EvConnectRequest)}.
 *
 * @param channels the channels to listen to, in order; repeats are ignored
 * @param lastEventId the id of the last event the client received, to resume from, or
 * {@code null} for a new subscription
 * @param principal who opens the stream, already authenticated
 * @since 0.1.0
 */
public record EvConnectRequest(List<String> channels, @Nullable String lastEventId, EvPrincipal principal) {

	/**
	 * Creates a request, copying the channels.
	 * @param channels the channels
	 * @param lastEventId the last event id, or {@code null}
	 * @param principal the principal
	 */
	public EvConnectRequest {
		channels = List.copyOf(Objects.requireNonNull(channels, "'channels' must not be null"));
		Objects.requireNonNull(principal, "'principal' must not be null");
	}

	/**
	 * Creates an anonymous request for new subscriptions.
	 * @param channels the channels
	 * @return the request
	 */
	public static EvConnectRequest of(String... channels) {
		return new EvConnectRequest(List.of(channels), null, EvPrincipal.anonymous());
	}

	/**
	 * Returns a copy of this request that resumes from an event id.
	 * @param lastEventId the id of the last event received
	 * @return the new request
	 */
	public EvConnectRequest resumingFrom(@Nullable String lastEventId) {
		return new EvConnectRequest(this.channels, lastEventId, this.principal);
	}

}
