package dev.evstream.spring.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvLimitException;
import dev.evstream.core.EvShutdownException;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;

/**
 * Opens the stream a request asks for, whichever transport carries the request (WebFlux
 * or a Reactor Netty route): checks the channels, establishes who connects, checks what
 * they may read, and connects through {@link EvStreamManager#connect}. Every refusal is a
 * {@link Refusal}, with {@code 503} for a limit or a shutdown, before any byte of the
 * stream.
 */
final class StreamOpener {

	private final EvStreamManager manager;

	private final ListenPermissions permissions;

	private final StreamMetrics metrics;

	StreamOpener(EvStreamManager manager, ListenPermissions permissions, StreamMetrics metrics) {
		this.manager = manager;
		this.permissions = permissions;
		this.metrics = metrics;
	}

	/**
	 * Returns the channels of a stream request's query: {@code channel} (repeatable) and
	 * {@code channels} (comma-separated).
	 * @param query the decoded query parameters
	 */
	static List<String> channels(Map<String, List<String>> query) {
		List<String> channels = new ArrayList<>(query.getOrDefault("channel", List.of()));
		for (String list : query.getOrDefault("channels", List.of())) {
			channels.addAll(List.of(list.split(",", -1)));
		}
		return channels;
	}

	/**
	 * Opens a stream.
	 * @param channels the channels asked for
	 * @param lastEventId where the client resumes from, or {@code null}
	 * @param principal who connects, resolved only once the channels are valid
	 * @return the stream, or a {@link Refusal}
	 */
	Mono<EvStream> open(List<String> channels, @Nullable String lastEventId, Mono<EvPrincipal> principal) {
		String invalid = checkChannels(channels);
		if (invalid != null) {
			return Mono.error(refused(new Refusal(Rejection.BAD_REQUEST, HttpStatus.BAD_REQUEST, invalid)));
		}
		return principal.flatMap((who) -> this.permissions.check(who, channels).thenReturn(who))
			.onErrorMap(Refusal.class, this::refused)
			// the manager counts its own refusals (limits, shutdown, channels)
			.flatMap((who) -> this.manager.connect(new EvConnectRequest(channels, lastEventId, who)))
			.onErrorMap(IllegalArgumentException.class, (ex) -> new Refusal(HttpStatus.BAD_REQUEST, ex.getMessage()))
			.onErrorMap(EvLimitException.class, (ex) -> new Refusal(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage()))
			.onErrorMap(EvShutdownException.class,
					(ex) -> new Refusal(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage()));
	}

	private @Nullable String checkChannels(List<String> channels) {
		if (channels.isEmpty()) {
			return "At least one channel is required: use ?channel=name (repeatable) or ?channels=a,b";
		}
		try {
			this.manager.checkChannels(channels);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

	private Refusal refused(Refusal refusal) {
		Rejection reason = refusal.reason();
		if (reason != null) {
			this.metrics.connectionRejected(reason);
		}
		return refusal;
	}

}
