package dev.evstream.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * Batches framed as HTTP/1.1 chunks ({@code size CRLF bytes CRLF}), ready for the socket,
 * made once per event loop and shared by the loop's connections.
 * <p>
 * The engine encodes an event once and hands every connection of a single channel the
 * very same arrays (the shared id line and body), and drains all the connections of a
 * loop in one pass. So the first connection of a pass frames the event, and the others
 * write a {@link ByteBuf#retainedDuplicate() duplicate} of that buffer: no copy, no
 * encoding and no allocation per connection, as a hand-written Netty broadcaster does. A
 * batch that is a connection's own (several events, or an id line of several channels) is
 * framed for it alone.
 * <p>
 * Each loop keeps the last few frames it made, found by the identity of their arrays, and
 * only touches them on its own thread.
 */
final class ReadyChunks {

	private static final byte[] CRLF = { '\r', '\n' };

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	// a pass may carry a few events at once (a message, a state, a heartbeat)
	private static final int SLOTS = 4;

	private static final FastThreadLocal<ReadyChunks> LOOP = new FastThreadLocal<>() {

		@Override
		protected ReadyChunks initialValue() {
			return new ReadyChunks();
		}

		@Override
		protected void onRemoval(ReadyChunks chunks) {
			// the loop's thread ends: what it kept goes back to the pool
			chunks.releaseAll();
		}

	};

	private final byte[][] firsts = new byte[SLOTS][];

	private final byte[][] seconds = new byte[SLOTS][];

	private final @Nullable ByteBuf[] chunks = new ByteBuf[SLOTS];

	private int next;

	private ReadyChunks() {
	}

	/**
	 * Returns a batch framed as one chunk, for the calling event loop to write; the
	 * caller owns the buffer it gets.
	 * @param batch the batch, not empty
	 * @param allocator the channel's allocator
	 * @return the chunk
	 */
	static ByteBuf chunk(List<byte[]> batch, ByteBufAllocator allocator) {
		return LOOP.get().chunkFor(batch, allocator);
	}

	private ByteBuf chunkFor(List<byte[]> batch, ByteBufAllocator allocator) {
		int size = batch.size();
		if (size > 2) {
			return frame(batch, allocator);
		}
		byte[] first = batch.get(0);
		byte @Nullable [] second = (size == 2) ? batch.get(1) : null;
		for (int i = 0; i < SLOTS; i++) {
			ByteBuf chunk = this.chunks[i];
			if (chunk != null && this.firsts[i] == first && this.seconds[i] == second) {
				return chunk.retainedDuplicate();
			}
		}
		ByteBuf chunk = frame(batch, allocator);
		int slot = this.next;
		this.next = (slot + 1) % SLOTS;
		ByteBuf evicted = this.chunks[slot];
		if (evicted != null) {
			evicted.release();
		}
		this.firsts[slot] = first;
		this.seconds[slot] = second;
		this.chunks[slot] = chunk;
		return chunk.retainedDuplicate();
	}

	private static ByteBuf frame(List<byte[]> batch, ByteBufAllocator allocator) {
		int length = EvstreamResponses.size(batch);
		int digits = hexDigits(length);
		ByteBuf chunk = allocator.directBuffer(digits + length + 4);
		for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
			chunk.writeByte(HEX[(length >>> shift) & 0xf]);
		}
		chunk.writeBytes(CRLF);
		for (byte[] bytes : batch) {
			chunk.writeBytes(bytes);
		}
		return chunk.writeBytes(CRLF);
	}

	private static int hexDigits(int length) {
		return Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4);
	}

	private void releaseAll() {
		for (int i = 0; i < SLOTS; i++) {
			ByteBuf chunk = this.chunks[i];
			if (chunk != null) {
				chunk.release();
				this.chunks[i] = null;
			}
			this.firsts[i] = null;
			this.seconds[i] = null;
		}
	}

}
