package dev.evstream.core.history;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Gives every message of a channel its position and keeps the latest ones, so that a
 * client that reconnects receives exactly what it missed.
 * <p>
 * Positions are per channel: consecutive messages get consecutive sequences. When a
 * channel's sequence is created (first use, or after the backend lost it) it starts from
 * a time-based base, so a position from before the loss is never mistaken for one after
 * it: the gap shows, and the client is told to reset.
 * <p>
 * All methods are cold and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface ChannelHistory {

	/**
	 * Gives a message the next sequence of its channel, keeps it in the bounded log, and
	 * publishes it on the {@link dev.evstream.core.bus.EventBus} as a
	 * {@link dev.evstream.core.bus.ChannelMessage}, all in one atomic step.
	 * @param channel the channel
	 * @param event the event name, or {@code null}
	 * @param data the data as text
	 * @return the sequence given to the message
	 */
	Mono<Long> append(String channel, @Nullable String event, String data);

	/**
	 * Reads what the log holds after a position.
	 * @param channel the channel
	 * @param afterSequence the last sequence the reader has
	 * @return the messages after it, and whether they are complete
	 */
	Mono<HistorySlice> readAfter(String channel, long afterSequence);

	/**
	 * Returns the sequence of the latest message of a channel, creating the channel's
	 * sequence if it has none yet, so that the answer is a position later messages
	 * follow.
	 * @param channel the channel
	 * @return the head sequence
	 */
	Mono<Long> head(String channel);

}
