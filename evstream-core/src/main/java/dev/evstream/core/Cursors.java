package dev.evstream.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The cursors of one connection, one per channel in the order it started listening, and
 * the id line they give its events. Guarded by the connection's lock.
 */
final class Cursors {

	private final Map<String, ChannelCursor> byChannel = new LinkedHashMap<>(4);

	// most connections have one channel, which then needs no hashing
	private @Nullable ChannelCursor only;

	private byte @Nullable [] idLine;

	int size() {
		return this.byChannel.size();
	}

	boolean contains(String channel) {
		return this.byChannel.containsKey(channel);
	}

	@Nullable ChannelCursor get(String channel) {
		ChannelCursor single = this.only;
		if (single != null) {
			return single.channel.equals(channel) ? single : null;
		}
		return this.byChannel.get(channel);
	}

	void add(ChannelCursor cursor) {
		this.byChannel.put(cursor.channel, cursor);
		changed();
	}

	@Nullable ChannelCursor remove(String channel) {
		ChannelCursor removed = this.byChannel.remove(channel);
		if (removed != null) {
			changed();
		}
		return removed;
	}

	boolean remove(ChannelCursor cursor) {
		boolean removed = this.byChannel.remove(cursor.channel, cursor);
		if (removed) {
			changed();
		}
		return removed;
	}

	Set<String> channels() {
		return this.byChannel.keySet();
	}

	Collection<ChannelCursor> all() {
		return this.byChannel.values();
	}

	/**
	 * Forgets the id line, since a position it holds moved.
	 */
	void idLineChanged() {
		this.idLine = null;
	}

	/**
	 * Takes an id line computed elsewhere, such as a message's line for connections with
	 * its channel only.
	 */
	void useIdLine(byte[] line) {
		this.idLine = line;
	}

	/**
	 * Returns the id line of the positions written so far: every channel's, so that one
	 * id resumes them all.
	 */
	byte[] idLine() {
		byte[] line = this.idLine;
		if (line == null) {
			StringBuilder id = new StringBuilder(24 * this.byChannel.size());
			for (ChannelCursor cursor : this.byChannel.values()) {
				if (cursor.emitted != ChannelCursor.UNKNOWN) {
					EventIds.append(id, cursor.token, cursor.emitted);
				}
			}
			line = SseEncoder.idLine((id.length() > 0) ? id.toString() : EventIds.EMPTY);
			this.idLine = line;
		}
		return line;
	}

	/**
	 * Drops unsent state versions, when the queue that held their places is dropped.
	 */
	void clearPendingStates() {
		for (ChannelCursor cursor : this.byChannel.values()) {
			cursor.pendingState = null;
			cursor.pendingEnd = null;
			cursor.stateQueued = false;
		}
	}

	private void changed() {
		this.idLine = null;
		this.only = (this.byChannel.size() == 1) ? this.byChannel.values().iterator().next() : null;
	}

}
