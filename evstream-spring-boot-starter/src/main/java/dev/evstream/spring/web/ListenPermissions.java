package dev.evstream.spring.web;

import java.util.Collection;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import dev.evstream.core.presence.EvPresence;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;

/**
 * Whether a principal may listen to channels: the application's {@link ChannelAuthorizer}
 * and, for a state, the rule it was declared with
 * ({@code EvStateOptions.allowConnectingClient}) must both allow it.
 * <p>
 * With presence, a channel {@code presence/<channel>} shows who listens to
 * {@code <channel>}: it may be listened to only when {@link EvPresence#broadcast} enabled
 * it and the principal may listen to both {@code <channel>} and the presence channel.
 */
final class ListenPermissions {

	private final ChannelAuthorizer authorizer;

	private final @Nullable EvStateManager states;

	private final @Nullable EvPresence presence;

	ListenPermissions(ChannelAuthorizer authorizer, @Nullable EvStateManager states, @Nullable EvPresence presence) {
		this.authorizer = authorizer;
		this.states = states;
		this.presence = presence;
	}

	/**
	 * Completes when every channel is allowed, else fails with a {@code 403}
	 * {@link Refusal} naming the first that is not.
	 */
	Mono<Void> check(EvPrincipal principal, Collection<String> channels) {
		return Flux.fromIterable(channels).distinct().concatMap((channel) -> check(principal, channel)).then();
	}

	private Mono<Void> check(EvPrincipal principal, String channel) {
		EvPresence presence = this.presence;
		String watched = (presence != null) ? EvPresence.watchedChannel(channel) : null;
		if (presence == null || watched == null) {
			return allowed(principal, channel).flatMap((allowed) -> allowed ? Mono.empty() : refused(channel));
		}
		if (!presence.isBroadcast(watched)) {
			return Mono
				.error(new Refusal(Rejection.FORBIDDEN, HttpStatus.FORBIDDEN, "Not allowed to listen to channel '"
						+ channel + "': the members of channel '" + watched + "' are not broadcast"));
		}
		return allowed(principal, watched)
			.flatMap((allowed) -> allowed ? allowed(principal, channel) : Mono.just(false))
			.flatMap((allowed) -> allowed ? Mono.empty() : refused(channel));
	}

	private static Mono<Void> refused(String channel) {
		return Mono.error(new Refusal(Rejection.FORBIDDEN, HttpStatus.FORBIDDEN,
				"Not allowed to listen to channel '" + channel + "'"));
	}

	private Mono<Boolean> allowed(EvPrincipal principal, String channel) {
		if (this.states != null && !this.states.allowsClient(principal, channel)) {
			return Mono.just(false);
		}
		return Mono.defer(() -> this.authorizer.canListen(principal, channel)).defaultIfEmpty(false);
	}

}
