package dev.evstream.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EvMessageTests {

	@Test
	void createWhenEventHasLineBreakShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvMessage.of("chat\ndata: forged", "x"))
			.withMessageContaining("'event' must not contain CR, LF or NUL");
	}

	@Test
	void createWhenIdHasNulShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvMessage.of("x").withId("1\0"))
			.withMessageContaining("'id' must not contain CR, LF or NUL");
	}

	@Test
	void createWhenEventIsEmptyShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvMessage.of("", "x"))
			.withMessageContaining("must not be empty");
	}

	@Test
	void createWhenIdIsEmptyShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvMessage.of("x").withId(""))
			.withMessageContaining("must not be empty");
	}

	@Test
	void ofShouldAllowNullData() {
		assertThat(EvMessage.of(null).data()).isNull();
	}

}
