package dev.evstream.core.memory;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The builder of the in-memory backend checks each limit of its history, and says which.
 */
class InMemoryBackendBuilderTests {

	@Test
	void badLimitsShouldBeRefusedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryBackend.builder().historySize(-1))
			.withMessage("'historySize' must not be negative, but was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InMemoryBackend.builder().historyTimeToLive(Duration.ZERO))
			.withMessage("'historyTimeToLive' must be positive, but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryBackend.builder().historyMaxBytes(0))
			.withMessage("'historyMaxBytes' must be at least 1, but was 0");
	}

	@Test
	void builtBackendShouldKeepTheHistorySizeItWasGiven() {
		InMemoryBackend backend = InMemoryBackend.builder().historySize(2).build();
		for (int i = 0; i < 5; i++) {
			backend.channelHistory().append("news", null, "m" + i).block();
		}
		assertThat(backend.channelHistory().readAfter("news", 0).block().messages()).hasSize(2);
	}

	@Test
	void partsShouldShareOneBus() {
		InMemoryBackend backend = new InMemoryBackend();
		assertThat(backend.stateStore()).extracting("bus").isSameAs(backend.bus());
		assertThat(backend.channelHistory()).extracting("bus").isSameAs(backend.bus());
	}

}
