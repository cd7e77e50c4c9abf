package dev.evstream.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTests {

	private final List<SseEvent> events = new ArrayList<>();

	private final SseParser parser = new SseParser(this.events::add);

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

	private void feed(String text) {
		this.parser.feed(text.getBytes(StandardCharsets.UTF_8));
	}

}
