package dev.evstream.core.auth;

import reactor.core.publisher.Mono;

/**
 * Verifies the token a client presents when it opens a stream, as evstream's
 * {@code authentication.verify}: accept with a principal, or reject.
 * <p>
 * The token comes from the query parameter ({@code token} by default) or from an
 * {@code Authorization: Bearer} header. It must never be logged or echoed.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Authenticator {

	/**
	 * Verifies a token. Cold; may signal on any thread.
	 * @param token the token presented by the client
	 * @return the principal when the token is accepted; empty, or an
	 * {@link EvAuthenticationException} whose message is shown to the client, when it is
	 * rejected
	 */
	Mono<EvPrincipal> authenticate(String token);

}
