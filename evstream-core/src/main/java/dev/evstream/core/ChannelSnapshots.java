package dev.evstream.core;

import reactor.core.publisher.Mono;

/**
 * How a model whose channels start with a snapshot (such as a collection's groups) gives
 * a subscriber its current value: the engine asks for a snapshot when a listener joins
 * without a position to resume from, and when the position it had can no longer be
 * resumed (after a {@code reset}), then sends the changes after the snapshot's sequence.
 * <p>
 * The model owns its channels: it is the only one to append to them, so that a snapshot
 * read atomically with the channel's sequence includes exactly the changes up to that
 * sequence. Registered with {@link EvStreamManager#claimChannels}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChannelSnapshots {

	/**
	 * Reads a channel's snapshot. Cold; may signal on any thread, and is subscribed off
	 * the event loops since building a large snapshot takes time.
	 * @param channel the channel
	 * @return the snapshot
	 */
	Mono<ChannelSnapshot> snapshot(String channel);

	/**
	 * A channel's current value as one event, and the position it was read at.
	 *
	 * @param sequence the sequence of the channel's latest message included, or
	 * {@link dev.evstream.core.history.ChannelHistory#NO_SEQUENCE}
	 * @param data the event's data as text, sent with the channel's name as event name
	 */
	record ChannelSnapshot(long sequence, String data) {
	}

}
