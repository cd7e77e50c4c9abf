package dev.evstream.core.auth;

import dev.evstream.core.EvException;

/**
 * An {@link Authenticator} rejected a token, with a reason the client may see. The reason
 * must not contain the token.
 *
 * @since 0.1.0
 */
public class EvAuthenticationException extends EvException {

	/**
	 * Creates the exception.
	 * @param reason why the token was rejected, shown to the client
	 */
	public EvAuthenticationException(String reason) {
		super(reason);
	}

}
