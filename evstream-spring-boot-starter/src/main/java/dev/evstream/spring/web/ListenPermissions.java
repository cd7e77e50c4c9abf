package dev.evstream.spring.web;

import java.util.Collection;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;

/**
 * Whether a principal may listen to channels: the application's {@link ChannelAuthorizer}
 * and, for a state, the rule it was declared with
 * ({@code EvStateOptions.allowConnectingClient}) must both allow it.
 */
final class ListenPermissions {

	private final ChannelAuthorizer authorizer;

	private final @Nullable EvStateManager states;

	ListenPermissions(ChannelAuthorizer authorizer, @Nullable EvStateManager states) {
		this.authorizer = authorizer;
		this.states = states;
	}

	/**
	 * Completes when every channel is allowed, else fails with a {@code 403}
	 * {@link Refusal} naming the first that is not.
	 */
	Mono<Void> check(EvPrincipal principal, Collection<String> channels) {
		return Flux.fromIterable(channels)
			.distinct()
			.concatMap((channel) -> allowed(principal, channel).flatMap((allowed) -> allowed ? Mono.empty()
					: Mono.error(new Refusal(Rejection.FORBIDDEN, HttpStatus.FORBIDDEN,
							"Not allowed to listen to channel '" + channel + "'"))))
			.then();
	}

	private Mono<Boolean> allowed(EvPrincipal principal, String channel) {
		if (this.states != null && !this.states.allowsClient(principal, channel)) {
			return Mono.just(false);
		}
		return Mono.defer(() -> this.authorizer.canListen(principal, channel)).defaultIfEmpty(false);
	}

}
