package dev.evstream.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The cursors of one connection, one per channel in the order it started listening, and
 * the id line they give its events. Guarded by the connection's lock.
 */
final class Cursors {

	// most connections have one channel, which then needs neither hashing nor a map (a
	// map would cost every idle connection some 150 bytes)
	private @Nullable ChannelCursor only;

	// two channels or more, in the order they were added; null otherwise
	private @Nullable LinkedHashMap<String, ChannelCursor> byChannel;

	private byte @Nullable [] idLine;

	int size() {
		Map<String, ChannelCursor> byChannel = this.byChannel;
		if (byChannel != null) {
			return byChannel.size();
		}
		return (this.only != null) ? 1 : 0;
	}

	boolean contains(String channel) {
		return get(channel) != null;
	}

	@Nullable ChannelCursor get(String channel) {
		Map<String, ChannelCursor> byChannel = this.byChannel;
		if (byChannel != null) {
			return byChannel.get(channel);
		}
		ChannelCursor single = this.only;
		return (single != null && single.channel.equals(channel)) ? single : null;
	}

	/**
	 * Adds the cursor of a channel the connection does not listen to yet.
	 */
	void add(ChannelCursor cursor) {
		LinkedHashMap<String, ChannelCursor> byChannel = this.byChannel;
		ChannelCursor single = this.only;
		if (byChannel != null) {
			byChannel.put(cursor.channel, cursor);
		}
		else if (single == null) {
			this.only = cursor;
		}
		else {
			byChannel = new LinkedHashMap<>(4);
			byChannel.put(single.channel, single);
			byChannel.put(cursor.channel, cursor);
			this.byChannel = byChannel;
			this.only = null;
		}
		this.idLine = null;
	}

	@Nullable ChannelCursor remove(String channel) {
		ChannelCursor cursor = get(channel);
		if (cursor != null) {
			remove(cursor);
		}
		return cursor;
	}

	boolean remove(ChannelCursor cursor) {
		LinkedHashMap<String, ChannelCursor> byChannel = this.byChannel;
		if (byChannel != null) {
			if (!byChannel.remove(cursor.channel, cursor)) {
				return false;
			}
			if (byChannel.size() == 1) {
				this.only = byChannel.values().iterator().next();
				this.byChannel = null;
			}
		}
		else if (this.only == cursor) {
			this.only = null;
		}
		else {
			return false;
		}
		this.idLine = null;
		return true;
	}

	Collection<String> channels() {
		Map<String, ChannelCursor> byChannel = this.byChannel;
		if (byChannel != null) {
			return byChannel.keySet();
		}
		ChannelCursor single = this.only;
		return (single != null) ? List.of(single.channel) : List.of();
	}

	Collection<ChannelCursor> all() {
		Map<String, ChannelCursor> byChannel = this.byChannel;
		if (byChannel != null) {
			return byChannel.values();
		}
		ChannelCursor single = this.only;
		return (single != null) ? List.of(single) : List.of();
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
			StringBuilder id = new StringBuilder(24 * size());
			for (ChannelCursor cursor : all()) {
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
		for (ChannelCursor cursor : all()) {
			cursor.pendingState = null;
			cursor.pendingEnd = null;
			cursor.stateQueued = false;
		}
	}

}
