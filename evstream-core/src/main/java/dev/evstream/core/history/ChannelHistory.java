package dev.evstream.core.history;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Gives every message of a channel its position and keeps the latest ones, so that a
 * client that reconnects receives exactly what it missed.
 * <p>
 * Positions are per channel: consecutive messages get consecutive sequences. A channel's
 * sequence is created by its first message (and again after the backend lost it or let it
 * expire) from a time-based base, so a position from before the loss is never mistaken
 * for one after it: the gap shows, and the client is told to reset. Until then the
 * channel's position is {@link #NO_SEQUENCE}, and reading a channel never creates
 * anything: listening to a channel nobody sends to costs the backend nothing.
 * <p>
 * All methods are cold and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface ChannelHistory {

	/**
	 * The position of a channel that has no sequence: nothing was sent to it, or what was
	 * sent has expired. Every sequence starts above it.
	 */
	long NO_SEQUENCE = 0;

	/**
	 * Default number of messages kept per channel for resuming.
	 */
	int DEFAULT_SIZE = 1000;

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
	 * Reads what the log holds after a position. After {@link #NO_SEQUENCE} the answer is
	 * complete when the channel still has no sequence, or when its log still holds every
	 * message since the sequence was created.
	 * @param channel the channel
	 * @param afterSequence the last sequence the reader has
	 * @return the messages after it, and whether they are complete
	 */
	Mono<HistorySlice> readAfter(String channel, long afterSequence);

	/**
	 * Returns the sequence of the latest message of a channel, without creating anything.
	 * @param channel the channel
	 * @return the head sequence, or {@link #NO_SEQUENCE} if the channel has none
	 */
	Mono<Long> head(String channel);

}
