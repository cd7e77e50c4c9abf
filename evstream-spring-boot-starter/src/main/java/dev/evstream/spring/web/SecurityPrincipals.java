package dev.evstream.spring.web;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import dev.evstream.core.auth.EvPrincipal;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Turns a Spring Security {@link Authentication} into an {@link EvPrincipal} whose
 * {@code authorities} attribute lists the granted authorities, for a
 * {@link dev.evstream.core.auth.ChannelAuthorizer} to check. Loaded only when Spring
 * Security is present.
 */
final class SecurityPrincipals {

	/**
	 * The attribute holding the granted authorities, as a list of strings.
	 */
	static final String AUTHORITIES = "authorities";

	private SecurityPrincipals() {
	}

	static EvPrincipal of(Principal principal) {
		if (principal instanceof Authentication authentication) {
			List<String> authorities = authentication.getAuthorities()
				.stream()
				.map(GrantedAuthority::getAuthority)
				.toList();
			return new EvPrincipal(authentication.getName(), Map.of(AUTHORITIES, authorities));
		}
		return EvPrincipal.of(principal.getName());
	}

}
