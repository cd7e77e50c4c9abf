package dev.evstream.core.auth;

import reactor.core.publisher.Mono;

/**
 * Decides whether a principal may listen to a channel.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChannelAuthorizer {

	/**
	 * Decides for one channel. Cold; may signal on any thread.
	 * @param principal who asks
	 * @param channel the channel
	 * @return whether the principal may listen; empty counts as no
	 */
	Mono<Boolean> canListen(EvPrincipal principal, String channel);

	/**
	 * Returns an authorizer that lets everyone listen to every channel.
	 * @return the authorizer
	 */
	static ChannelAuthorizer permitAll() {
		return (principal, channel) -> Mono.just(true);
	}

}
