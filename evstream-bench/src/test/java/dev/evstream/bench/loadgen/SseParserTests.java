package dev.evstream.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SseParser}.
 */
class SseParserTests {

	private final List<String> events = new ArrayList<>();

	private final List<Long> retries = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final SseParser parser = new SseParser(new SseListener() {

		@Override
		public void onEvent(SseEvent event) {
			SseParserTests.this.events.add(event.type() + "|" + event.data() + "|" + event.lastEventId());
		}

		@Override
		public void onRetry(long millis) {
			SseParserTests.this.retries.add(millis);
		}

		@Override
		public void onComment(String comment) {
			SseParserTests.this.comments.add(comment);
		}

	});

	@Test
	void dispatchesEventsWithTypeDataAndId() {
		feed("id: 7\nevent: bench\ndata: hello\n\n");
		assertThat(this.events).containsExactly("bench|hello|7");
	}

	@Test
	void defaultTypeIsMessageAndDataLinesAreJoinedWithLf() {
		feed("data: one\ndata:two\ndata\n\n");
		assertThat(this.events).containsExactly("message|one\ntwo\n|");
	}

	@Test
	void acceptsCrLfCrAndLfLineEnds() {
		feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n");
		assertThat(this.events).containsExactly("message|a|", "message|b|", "message|c|");
	}

	@Test
	void crLfSplitBetweenChunksIsOneLineEnd() {
		feedChunks("data: a\r", "\n\r", "\ndata: b\r\n\r\n");
		assertThat(this.events).containsExactly("message|a|", "message|b|");
	}

	@Test
	void eventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() {
		feed("event: ping\n\ndata: x\n\n");
		assertThat(this.events).containsExactly("message|x|");
	}

	@Test
	void emptyDataLineIsDispatchedWithEmptyData() {
		feed("event: heartbeat\ndata:\n\n");
		assertThat(this.events).containsExactly("heartbeat||");
	}

	@Test
	void commentsAreReportedAndNotDispatched() {
		feed(":ok\n\n: keep-alive\ndata: x\n\n");
		assertThat(this.comments).containsExactly("ok", " keep-alive");
		assertThat(this.events).containsExactly("message|x|");
	}

	@Test
	void retryIsReadOnlyWhenAllDigits() {
		feed("retry: 3000\n\nretry: 12a\n\nretry:\n\nretry: 5\n\n");
		assertThat(this.retries).containsExactly(3000L, 5L);
		assertThat(this.events).isEmpty();
	}

	@Test
	void idWithNulIsIgnoredAndLastIdPersists() {
		feed("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\ndata: c\n\nid\ndata: d\n\n");
		assertThat(this.events).containsExactly("message|a|1", "message|b|1", "message|c|1", "message|d|");
	}

	@Test
	void onlyOneSpaceAfterTheColonIsDropped() {
		feed("data:  two spaces\n\n");
		assertThat(this.events).containsExactly("message| two spaces|");
	}

	@Test
	void unknownFieldsAreIgnored() {
		feed("foo: bar\ndata: x\nDATA: y\n\n");
		assertThat(this.events).containsExactly("message|x|");
	}

	@Test
	void leadingBomIsSkippedOnceEvenWhenSplit() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		this.parser.feed(bom, 0, 1);
		this.parser.feed(bom, 1, 2);
		feed("data: x\n\n");
		assertThat(this.events).containsExactly("message|x|");
	}

	@Test
	void incompleteEventAtTheEndIsNotDispatched() {
		feed("data: a\n\ndata: b\n");
		assertThat(this.events).containsExactly("message|a|");
	}

	@Test
	void multiByteCharactersSplitAcrossChunksAreKept() {
		byte[] bytes = "event: ça\ndata: 日本語 ✓ 😀\n\n".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < bytes.length; i++) {
			this.parser.feed(bytes, i, 1);
		}
		assertThat(this.events).containsExactly("ça|日本語 ✓ 😀|");
	}

	@Test
	void anySplitOfAStreamGivesTheSameEvents() {
		String stream = "\uFEFFretry: 3000\r\n\r\n:comment\nid: 1\nevent: bench\ndata: a\rdata: ü€😀\r\n\r\n"
				+ "event: empty\n\nid: 2\ndata:\n\ndata: last\n\n";
		byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
		feed(stream);
		List<String> whole = new ArrayList<>(this.events);
		assertThat(whole).containsExactly("bench|a\nü€😀|1", "message||2", "message|last|2");
		Random random = new Random(42);
		for (int run = 0; run < 500; run++) {
			this.events.clear();
			SseParser fresh = new SseParser(
					(event) -> this.events.add(event.type() + "|" + event.data() + "|" + event.lastEventId()));
			int at = 0;
			while (at < bytes.length) {
				int length = Math.min(bytes.length - at, 1 + random.nextInt(7));
				fresh.feed(bytes, at, length);
				at += length;
			}
			assertThat(this.events).as("split run %d", run).isEqualTo(whole);
		}
	}

	@Test
	void partialBomIsText() {
		byte[] bytes = { (byte) 0xEF, 'd', 'a', 't', 'a', ':', ' ', 'x', '\n', '\n', 'd', 'a', 't', 'a', ':', 'y', '\n',
				'\n' };
		this.parser.feed(bytes, 0, bytes.length);
		assertThat(this.events).containsExactly("message|y|");
	}

	private void feed(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		this.parser.feed(bytes, 0, bytes.length);
	}

	private void feedChunks(String... chunks) {
		for (String chunk : chunks) {
			feed(chunk);
		}
	}

}
