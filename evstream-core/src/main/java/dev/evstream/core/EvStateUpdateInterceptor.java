package dev.evstream.core;

import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Sees every JSON merge patch of a state before it is applied, as server-state-sync's
 * {@code interceptStateUpdate}: from clients, and from {@link EvState#patch} on the
 * server. It may pass the patch on, pass another one (to trim it, or to add the time or
 * the author), or refuse it: nothing is then stored nor broadcast, and the writer gets
 * {@link EvStateUpdateRefusedException}.
 * <p>
 * It runs once per write, on the writer's thread (an event loop for a client's write),
 * before the write waits for the store: it must not block. The patch it is given is the
 * client's; it may be changed in place.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvStateUpdateInterceptor {

	/**
	 * Passes every patch on unchanged.
	 */
	EvStateUpdateInterceptor NONE = (patch, principal) -> patch;

	/**
	 * Looks at a patch.
	 * @param patch the JSON merge patch asked for
	 * @param principal who asks
	 * @return the patch to apply, or {@code null} to refuse it without a reason
	 * @throws EvStateUpdateRefusedException to refuse it with a reason the writer sees
	 */
	@Nullable JsonNode intercept(JsonNode patch, EvPrincipal principal);

}
