package dev.evstream.core;

import java.util.List;

/**
 * One thing waiting in a connection's queue. Each kind adds its own bytes to the batch
 * being written, so the queue never asks what an entry is.
 */
sealed interface Entry permits MessageFrame, ChannelCursor, Entry.Raw, Entry.Identified, Entry.Reset, Entry.End {

	/**
	 * Adds this entry's bytes to a batch; called under the connection's lock.
	 * @param cursors the connection's cursors, which give the id line
	 * @param chunks the batch
	 */
	void writeTo(Cursors cursors, List<byte[]> chunks);

	/**
	 * Bytes written as they are: the preamble, direct messages, heartbeats.
	 */
	record Raw(byte[] bytes) implements Entry {

		@Override
		public void writeTo(Cursors cursors, List<byte[]> chunks) {
			chunks.add(this.bytes);
		}

	}

	/**
	 * An event written after the connection's current id line, such as {@code connected}.
	 */
	record Identified(byte[] body) implements Entry {

		@Override
		public void writeTo(Cursors cursors, List<byte[]> chunks) {
			chunks.add(cursors.idLine());
			chunks.add(this.body);
		}

	}

	/**
	 * A {@code reset} event, which also moves the cursor's written position.
	 */
	record Reset(ChannelCursor cursor, long position, byte[] body) implements Entry {

		@Override
		public void writeTo(Cursors cursors, List<byte[]> chunks) {
			if (this.cursor.detached) {
				return;
			}
			this.cursor.emitted = this.position;
			cursors.idLineChanged();
			chunks.add(cursors.idLine());
			chunks.add(this.body);
		}

	}

	/**
	 * The place of {@code end}: the connection writes its end frame there and stops.
	 */
	enum End implements Entry {

		INSTANCE;

		@Override
		public void writeTo(Cursors cursors, List<byte[]> chunks) {
			// the connection writes its own end frame here, and stops
		}

	}

}
