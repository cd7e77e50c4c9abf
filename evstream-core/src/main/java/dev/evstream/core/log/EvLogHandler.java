package dev.evstream.core.log;

import dev.evstream.core.auth.EvPrincipal;
import org.jspecify.annotations.Nullable;

/**
 * Applies one type of event to a log's state, as Krmx's {@code when(type, schema,
 * handler)}: returns the next state, or throws {@link EvLogEventRejectedException} with
 * the reason the event is not valid in this state. It runs against the authoritative
 * latest state, and again if another event was appended meanwhile, so it must be pure: it
 * may change and return the state it is given (a fresh copy each time), and must not act
 * on anything else. It runs on the thread that appends, often an event loop: it must not
 * block.
 *
 * @param <S> the type of the state
 * @param <P> the type of the event's payload
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvLogHandler<S, P> {

	/**
	 * Applies an event.
	 * @param state the state so far
	 * @param dispatcher who appends the event
	 * @param payload the event's payload, {@code null} for events without one
	 * @return the next state
	 * @throws EvLogEventRejectedException if the event is not valid in this state
	 */
	S apply(S state, EvPrincipal dispatcher, @Nullable P payload);

}
