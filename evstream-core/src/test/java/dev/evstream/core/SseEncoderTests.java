package dev.evstream.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SseEncoderTests {

	private final SseEncoder encoder = new SseEncoder(JsonMapper.builder().build());

	@Test
	void encodeShouldWriteIdEventAndDataThenBlankLine() {
		byte[] bytes = SseEncoder.encode("7", "chat", "hello");
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("id: 7\nevent: chat\ndata: hello\n\n");
	}

	@Test
	void encodeWithoutEventOrIdShouldWriteDataOnly() {
		assertThat(text(SseEncoder.encode(null, null, "x"))).isEqualTo("data: x\n\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\nb\nc", "a\r\nb\r\nc", "a\rb\rc", "a\nb\r\nc" })
	void encodeWhenDataHasLineBreaksShouldWriteOneDataLinePerLine(String data) {
		byte[] bytes = SseEncoder.encode(null, "m", data);
		assertThat(text(bytes)).isEqualTo("event: m\ndata: a\ndata: b\ndata: c\n\n");
		assertThat(parse(bytes)).singleElement().extracting(SseEvent::data).isEqualTo("a\nb\nc");
	}

	@Test
	void encodeWhenDataEndsWithLineBreakShouldKeepIt() {
		assertThat(parse(SseEncoder.encode(null, null, "a\n"))).singleElement()
			.extracting(SseEvent::data)
			.isEqualTo("a\n");
	}

	@Test
	void encodeWhenDataIsEmptyShouldStillDispatchAnEvent() {
		assertThat(text(SseEncoder.encode(null, "heartbeat", ""))).isEqualTo("event: heartbeat\ndata:\n\n");
		assertThat(parse(SseEncoder.encode(null, "heartbeat", ""))).singleElement()
			.extracting(SseEvent::data)
			.isEqualTo("");
	}

	@Test
	void encodeWhenDataLooksLikeFieldsShouldNotForgeAnotherEvent() {
		String forged = "x\n\nevent: admin\nid: 999\ndata: pwned";
		List<SseEvent> events = parse(SseEncoder.encode(null, "chat", forged));
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.event()).isEqualTo("chat");
			assertThat(event.data()).isEqualTo(forged);
			assertThat(event.id()).isNull();
		});
	}

	@Test
	void encodeWhenDataStartsWithSpaceShouldKeepIt() {
		assertThat(parse(SseEncoder.encode(null, null, "  two spaces"))).singleElement()
			.extracting(SseEvent::data)
			.isEqualTo("  two spaces");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\nb", "a\rb", "a\0b", "\n", "end\r\n" })
	void encodeWhenEventHasLineBreakOrNulShouldThrow(String event) {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEncoder.encode(null, event, "x"))
			.withMessageContaining("'event' must not contain CR, LF or NUL");
	}

	@ParameterizedTest
	@ValueSource(strings = { "1\nevent: forged", "1\r", "\0" })
	void encodeWhenIdHasLineBreakOrNulShouldThrow(String id) {
		assertThatIllegalArgumentException().isThrownBy(() -> SseEncoder.encode(id, null, "x"))
			.withMessageContaining("'id' must not contain CR, LF or NUL");
	}

	@Test
	void encodeShouldWriteUnicodeAsUtf8() {
		String data = "héllo ✓ 😀 日本";
		byte[] bytes = SseEncoder.encode(null, "u", data);
		assertThat(bytes).containsSubsequence(data.getBytes(StandardCharsets.UTF_8));
		assertThat(parse(bytes)).singleElement().extracting(SseEvent::data).isEqualTo(data);
	}

	@Test
	void dataTextShouldSendStringsAsThey() {
		assertThat(this.encoder.dataText("plain {not json}")).isEqualTo("plain {not json}");
	}

	@Test
	void dataTextShouldSendNumbersBooleansAndNullAsJson() {
		assertThat(this.encoder.dataText(42)).isEqualTo("42");
		assertThat(this.encoder.dataText(1.5)).isEqualTo("1.5");
		assertThat(this.encoder.dataText(true)).isEqualTo("true");
		assertThat(this.encoder.dataText(false)).isEqualTo("false");
		assertThat(this.encoder.dataText(null)).isEqualTo("null");
	}

	@Test
	void dataTextShouldSendObjectsAsCompactJson() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("user", "ann");
		map.put("n", List.of(1, 2));
		assertThat(this.encoder.dataText(map)).isEqualTo("{\"user\":\"ann\",\"n\":[1,2]}");
		assertThat(this.encoder.dataText(new Point(1, 2))).isEqualTo("{\"x\":1,\"y\":2}");
	}

	@Test
	void dataTextWhenObjectCannotBeWrittenShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.encoder.dataText(new Unwritable()))
			.withMessageContaining(Unwritable.class.getName() + " cannot be written as JSON");
	}

	@Test
	void retryShouldWriteMilliseconds() {
		assertThat(text(SseEncoder.retry(java.time.Duration.ofSeconds(3)))).isEqualTo("retry: 3000\n\n");
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static List<SseEvent> parse(byte[] bytes) {
		List<SseEvent> events = new ArrayList<>();
		new SseParser(events::add).feed(bytes);
		return events;
	}

	record Point(int x, int y) {
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not today");
		}

	}

}
