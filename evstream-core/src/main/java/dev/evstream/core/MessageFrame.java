package dev.evstream.core;

import java.util.List;

import dev.evstream.core.bus.ChannelMessage;
import org.jspecify.annotations.Nullable;

/**
 * A channel message encoded once for every listener on this instance. The id line differs
 * between connections (it holds each one's positions), so it is written in front of the
 * shared bytes; for the common connection with a single channel it is the same for all,
 * and is made once here too.
 */
final class MessageFrame implements Entry {

	final String channel;

	final long sequence;

	final byte[] body;

	private final String token;

	private byte @Nullable [] soloIdLine;

	MessageFrame(String channel, String token, long sequence, byte[] body) {
		this.channel = channel;
		this.token = token;
		this.sequence = sequence;
		this.body = body;
	}

	static MessageFrame of(ChannelMessage message, String token) {
		return new MessageFrame(message.channel(), token, message.sequence(),
				SseEncoder.encode(null, message.event(), message.data()));
	}

	/**
	 * Returns the id line of a connection whose only channel is this frame's.
	 */
	byte[] soloIdLine() {
		byte[] line = this.soloIdLine;
		if (line == null) {
			// racy but idempotent: every thread computes the same bytes
			line = SseEncoder.idLine(EventIds.single(this.token, this.sequence));
			this.soloIdLine = line;
		}
		return line;
	}

	@Override
	public void writeTo(Cursors cursors, List<byte[]> chunks) {
		ChannelCursor cursor = cursors.get(this.channel);
		if (cursor == null || this.sequence <= cursor.emitted) {
			return;
		}
		cursor.emitted = this.sequence;
		if (cursors.size() == 1) {
			cursors.useIdLine(soloIdLine());
		}
		else {
			cursors.idLineChanged();
		}
		chunks.add(cursors.idLine());
		chunks.add(this.body);
	}

}
