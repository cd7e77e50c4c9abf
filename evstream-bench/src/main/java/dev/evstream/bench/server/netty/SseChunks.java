package dev.evstream.bench.server.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes SSE events directly as HTTP/1.1 chunks, framing included, so that the very same
 * bytes can be written to every subscriber's connection.
 *
 * @since 0.1.0
 */
final class SseChunks {

	private static final byte[] CRLF = { '\r', '\n' };

	private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

	private SseChunks() {
	}

	/**
	 * Encodes an event with an id, a type and data (one {@code data:} line per line).
	 */
	static ByteBuf event(ByteBufAllocator allocator, long id, String type, byte[] data) {
		StringBuilder head = new StringBuilder(32).append("id: ").append(id).append("\nevent: ").append(type);
		byte[] prefix = head.append('\n').toString().getBytes(StandardCharsets.UTF_8);
		ByteBuf sse = allocator.heapBuffer(prefix.length + data.length + 16);
		try {
			sse.writeBytes(prefix);
			writeData(sse, data);
			sse.writeByte('\n');
			return chunk(allocator, sse);
		}
		finally {
			sse.release();
		}
	}

	/**
	 * Frames bytes that are already SSE as one chunk.
	 */
	static ByteBuf raw(ByteBufAllocator allocator, String sse) {
		ByteBuf body = allocator.heapBuffer().writeBytes(sse.getBytes(StandardCharsets.UTF_8));
		try {
			return chunk(allocator, body);
		}
		finally {
			body.release();
		}
	}

	private static void writeData(ByteBuf out, byte[] data) {
		int start = 0;
		for (int i = 0; i < data.length; i++) {
			if (data[i] == '\n' || data[i] == '\r') {
				dataLine(out, data, start, i);
				if (data[i] == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		dataLine(out, data, start, data.length);
	}

	private static void dataLine(ByteBuf out, byte[] data, int start, int end) {
		out.writeBytes(DATA);
		if (end > start) {
			out.writeByte(' ').writeBytes(data, start, end - start);
		}
		out.writeByte('\n');
	}

	private static ByteBuf chunk(ByteBufAllocator allocator, ByteBuf sse) {
		byte[] size = Integer.toHexString(sse.readableBytes()).getBytes(StandardCharsets.US_ASCII);
		ByteBuf chunk = allocator.directBuffer(size.length + sse.readableBytes() + 4);
		return chunk.writeBytes(size).writeBytes(CRLF).writeBytes(sse).writeBytes(CRLF);
	}

}
