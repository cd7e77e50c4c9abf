package dev.evstream.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SseParser}, through its records and through its listener.
 */
class SseParserTests {

	private final List<SseEvent> events = new ArrayList<>();

	private final SseParser parser = new SseParser(this.events::add);

	private final List<String> viewed = new ArrayList<>();

	private final List<Long> retries = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final SseParser listening = SseParser.withListener(new SseListener() {

		@Override
		public void onEvent(SseEventView event) {
			SseParserTests.this.viewed.add(event.type() + "|" + event.data() + "|" + event.lastEventId());
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
	void lastEventIdShouldTakeEffectOnlyWhenItsEventEnds() {
		feed("id: 1\nevent: chat\ndata: a\n\nid: 2\nevent: chat\ndata: b\n");
		assertThat(this.parser.lastEventId()).isEqualTo("1");
		assertThat(this.events).extracting(SseEvent::lastEventId).containsExactly("1");
		feed("\n");
		assertThat(this.parser.lastEventId()).isEqualTo("2");
		assertThat(this.events).extracting(SseEvent::id).containsExactly("1", "2");
	}

	@Test
	void idWithoutDataShouldStillSetTheLastEventIdAtTheEndOfItsBlock() {
		feed("id: 7\n\n");
		assertThat(this.events).isEmpty();
		assertThat(this.parser.lastEventId()).isEqualTo("7");
	}

	@Test
	void eventWithoutIdFieldShouldHaveNoIdButKeepTheLastEventId() {
		feed("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
		assertThat(this.events).extracting(SseEvent::id).containsExactly("1", null, "");
		assertThat(this.events).extracting(SseEvent::lastEventId).containsExactly("1", "1", "");
	}

	@Test
	void retriesShouldBeKeptByEitherKindOfParser() {
		feed("retry: 3000\n\nretry: 12a\n\n");
		assertThat(this.parser.retries()).containsExactly(3000L);
		assertThat(this.listening.retries()).containsExactly(3000L);
	}

	@Test
	void listenerShouldReceiveEventsWithTypeDataAndLastEventId() {
		feed("id: 7\nevent: bench\ndata: hello\n\n");
		assertThat(this.viewed).containsExactly("bench|hello|7");
	}

	@Test
	void defaultTypeShouldBeMessageAndDataLinesJoinedWithLf() {
		feed("data: one\ndata:two\ndata\n\n");
		assertThat(this.viewed).containsExactly("message|one\ntwo\n|");
	}

	@Test
	void crLfCrAndLfShouldEachEndALine() {
		feed("data: a\r\n\r\ndata: b\r\rdata: c\n\n");
		assertThat(this.viewed).containsExactly("message|a|", "message|b|", "message|c|");
	}

	@Test
	void crLfSplitBetweenChunksShouldBeOneLineEnd() {
		feed("data: a\r");
		feed("\n\r");
		feed("\ndata: b\r\n\r\n");
		assertThat(this.viewed).containsExactly("message|a|", "message|b|");
	}

	@Test
	void eventWithoutDataShouldNotBeDispatchedAndItsTypeForgotten() {
		feed("event: ping\n\ndata: x\n\n");
		assertThat(this.viewed).containsExactly("message|x|");
	}

	@Test
	void emptyDataLineShouldBeDispatchedWithEmptyData() {
		feed("event: heartbeat\ndata:\n\n");
		assertThat(this.viewed).containsExactly("heartbeat||");
	}

	@Test
	void commentsShouldBeReportedAndNotDispatched() {
		feed(":ok\n\n: keep-alive\ndata: x\n\n");
		assertThat(this.comments).containsExactly("ok", " keep-alive");
		assertThat(this.viewed).containsExactly("message|x|");
	}

	@Test
	void retryShouldBeReadOnlyWhenAllDigitsAndShortEnoughForALong() {
		feed("retry: 3000\n\nretry: 12a\n\nretry:\n\nretry: 99999999999999999999\n\nretry: 5\n\n");
		assertThat(this.retries).containsExactly(3000L, 5L);
		assertThat(this.viewed).isEmpty();
	}

	@Test
	void idWithNulShouldBeIgnoredAndTheLastIdPersist() {
		feed("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\ndata: c\n\nid\ndata: d\n\n");
		assertThat(this.viewed).containsExactly("message|a|1", "message|b|1", "message|c|1", "message|d|");
	}

	@Test
	void onlyOneSpaceAfterTheColonShouldBeDropped() {
		feed("data:  two spaces\n\n");
		assertThat(this.viewed).containsExactly("message| two spaces|");
	}

	@Test
	void unknownFieldsShouldBeIgnored() {
		feed("foo: bar\ndata: x\nDATA: y\n\n");
		assertThat(this.viewed).containsExactly("message|x|");
	}

	@Test
	void leadingBomShouldBeSkippedOnceEvenWhenSplit() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		this.listening.feed(bom, 0, 1);
		this.listening.feed(bom, 1, 2);
		feed("\uFEFFdata: x\n\n");
		assertThat(this.viewed).isEmpty();
		feed("data: y\n\n");
		assertThat(this.viewed).containsExactly("message|y|");
	}

	@Test
	void partialBomShouldBeText() {
		byte[] bytes = { (byte) 0xEF, 'd', 'a', 't', 'a', ':', ' ', 'x', '\n', '\n', 'd', 'a', 't', 'a', ':', 'y', '\n',
				'\n' };
		this.listening.feed(bytes, 0, bytes.length);
		assertThat(this.viewed).containsExactly("message|y|");
	}

	@Test
	void incompleteEventAtTheEndShouldNotBeDispatched() {
		feed("data: a\n\ndata: b\n");
		assertThat(this.viewed).containsExactly("message|a|");
	}

	@Test
	void multiByteCharactersSplitAcrossChunksShouldBeKept() {
		byte[] bytes = "event: ça\ndata: 日本語 ✓ 😀\n\n".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < bytes.length; i++) {
			this.listening.feed(bytes, i, 1);
			this.parser.feed(bytes, i, 1);
		}
		assertThat(this.viewed).containsExactly("ça|日本語 ✓ 😀|");
		assertThat(this.events).containsExactly(new SseEvent("ça", "日本語 ✓ 😀", null, ""));
	}

	@Test
	void feedShouldReadOnlyTheGivenRangeOfTheBuffer() {
		byte[] bytes = "xxdata: a\n\nyy".getBytes(StandardCharsets.US_ASCII);
		this.listening.feed(bytes, 2, bytes.length - 4);
		assertThat(this.viewed).containsExactly("message|a|");
		assertThatExceptionOfType(IndexOutOfBoundsException.class)
			.isThrownBy(() -> this.listening.feed(bytes, 2, bytes.length));
	}

	@Test
	void viewShouldExposeTheDataBytesWithoutDecoding() {
		List<String> raw = new ArrayList<>();
		SseParser bytesOnly = SseParser.withListener((event) -> raw
			.add(new String(event.dataBytes(), 0, event.dataLength(), StandardCharsets.UTF_8) + "|" + event.id()));
		byte[] bytes = "id: 3\ndata: é\ndata: b\n\ndata: c\n\n".getBytes(StandardCharsets.UTF_8);
		bytesOnly.feed(bytes);
		assertThat(raw).containsExactly("é\nb|3", "c|null");
	}

	@Test
	void anySplitOfAStreamShouldGiveTheSameEventsThroughEitherKindOfParser() {
		String stream = "\uFEFFretry: 3000\r\n\r\n:comment\nid: 1\nevent: bench\ndata: a\rdata: ü€😀\r\n\r\n"
				+ "event: empty\n\nid: 2\ndata:\n\ndata: last\n\n";
		byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
		feed(stream);
		List<String> whole = new ArrayList<>(this.viewed);
		assertThat(whole).containsExactly("bench|a\nü€😀|1", "message||2", "message|last|2");
		assertThat(this.events).containsExactly(new SseEvent("bench", "a\nü€😀", "1", "1"),
				new SseEvent("message", "", "2", "2"), new SseEvent("message", "last", null, "2"));
		List<SseEvent> wholeRecords = new ArrayList<>(this.events);
		Random random = new Random(42);
		for (int run = 0; run < 500; run++) {
			List<String> split = new ArrayList<>();
			List<SseEvent> splitRecords = new ArrayList<>();
			SseParser freshListening = SseParser
				.withListener((event) -> split.add(event.type() + "|" + event.data() + "|" + event.lastEventId()));
			SseParser fresh = new SseParser(splitRecords::add);
			int at = 0;
			while (at < bytes.length) {
				int length = Math.min(bytes.length - at, 1 + random.nextInt(7));
				freshListening.feed(bytes, at, length);
				fresh.feed(bytes, at, length);
				at += length;
			}
			assertThat(split).as("split run %d", run).isEqualTo(whole);
			assertThat(splitRecords).as("split run %d", run).isEqualTo(wholeRecords);
			assertThat(fresh.retries()).containsExactly(3000L);
		}
	}

	/**
	 * Feeds text to both parsers.
	 */
	private void feed(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		this.parser.feed(bytes);
		this.listening.feed(bytes, 0, bytes.length);
	}

}
