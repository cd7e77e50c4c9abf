package dev.evstream.core.auth;

import java.util.Map;
import java.util.Objects;

/**
 * Who opened a stream, as the {@link Authenticator} established it.
 *
 * @param name the name of the principal (never a token)
 * @param attributes further facts about the principal, for a {@link ChannelAuthorizer}
 * @since 0.1.0
 */
public record EvPrincipal(String name, Map<String, Object> attributes) {

	private static final EvPrincipal ANONYMOUS = new EvPrincipal("anonymous", Map.of());

	/**
	 * Creates a principal, copying its attributes.
	 * @param name the name
	 * @param attributes the attributes
	 */
	public EvPrincipal {
		Objects.requireNonNull(name, "'name' must not be null");
		attributes = Map.copyOf(attributes);
	}

	/**
	 * Creates a principal with a name only.
	 * @param name the name
	 * @return the principal
	 */
	public static EvPrincipal of(String name) {
		return new EvPrincipal(name, Map.of());
	}

	/**
	 * Returns the principal of streams opened without authentication.
	 * @return the anonymous principal
	 */
	public static EvPrincipal anonymous() {
		return ANONYMOUS;
	}

}
