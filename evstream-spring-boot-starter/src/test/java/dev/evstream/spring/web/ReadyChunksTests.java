package dev.evstream.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReadyChunks}: the framing of a batch as an HTTP/1.1 chunk, and the
 * sharing of one frame by the connections sent the same arrays.
 */
class ReadyChunksTests {

	private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);

	private final List<ByteBuf> written = new ArrayList<>();

	@AfterEach
	void release() {
		this.written.forEach(ByteBuf::release);
	}

	@Test
	void framesABatchAsOneChunk() {
		byte[] id = bytes("id: 7\n");
		byte[] body = bytes("event: bench\ndata: x\n\n");
		assertThat(text(chunk(List.of(id, body)))).isEqualTo("1c\r\nid: 7\nevent: bench\ndata: x\n\n\r\n");
	}

	@Test
	void writesTheSizeInAsManyHexDigitsAsItNeeds() {
		assertThat(text(chunk(List.of(new byte[15])))).startsWith("f\r\n");
		assertThat(text(chunk(List.of(new byte[16])))).startsWith("10\r\n");
		assertThat(text(chunk(List.of(new byte[4096])))).startsWith("1000\r\n").hasSize(4 + 2 + 4096 + 2);
	}

	@Test
	void connectionsSentTheSameArraysShareOneFrame() {
		byte[] id = bytes("id: 1\n");
		byte[] body = bytes("data: shared\n\n");
		ByteBuf first = chunk(List.of(id, body));
		ByteBuf second = chunk(List.of(id, body));
		assertThat(second.unwrap()).isSameAs(first.unwrap());
		assertThat(text(second)).isEqualTo(text(first));
	}

	@Test
	void equalBytesInOtherArraysAreFramedAgain() {
		ByteBuf first = chunk(List.of(bytes("data: a\n\n")));
		ByteBuf second = chunk(List.of(bytes("data: a\n\n")));
		assertThat(second.unwrap()).isNotSameAs(first.unwrap());
	}

	@Test
	void aBatchOfSeveralEventsIsFramedForItsConnectionAlone() {
		byte[] a = bytes("data: a\n\n");
		byte[] b = bytes("data: b\n\n");
		byte[] c = bytes("data: c\n\n");
		ByteBuf first = chunk(List.of(a, b, c));
		assertThat(first.refCnt()).isOne();
		assertThat(text(first)).isEqualTo("1b\r\ndata: a\n\ndata: b\n\ndata: c\n\n\r\n");
	}

	@Test
	void aFrameLeavesTheCacheOnceEnoughOthersWereMade() {
		byte[] kept = bytes("data: kept\n\n");
		ByteBuf first = chunk(List.of(kept));
		ByteBuf frame = first.unwrap();
		for (int i = 0; i < 4; i++) {
			chunk(List.of(bytes("data: " + i + "\n\n")));
		}
		// only the duplicate written above still holds the evicted frame
		assertThat(frame.refCnt()).isOne();
		assertThat(chunk(List.of(kept)).unwrap()).isNotSameAs(frame);
	}

	private ByteBuf chunk(List<byte[]> batch) {
		ByteBuf chunk = ReadyChunks.chunk(batch, this.allocator);
		this.written.add(chunk);
		return chunk;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(ByteBuf buffer) {
		return buffer.toString(buffer.readerIndex(), buffer.readableBytes(), StandardCharsets.UTF_8);
	}

}
