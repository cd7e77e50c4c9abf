package dev.evstream.bench.loadgen;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Payload}.
 */
class PayloadTests {

	@Test
	void encodesToTheExactSizeAndDecodesBack() {
		Payload payload = new Payload(0x7fffffffffffffffL, true, 1234, -987654321012345L);
		byte[] bytes = payload.encode(256);
		assertThat(bytes).hasSize(256);
		assertThat(Payload.decode(bytes, bytes.length)).isEqualTo(payload);
	}

	@Test
	void warmUpPhaseAndNegativeSequenceRoundTrip() {
		Payload payload = new Payload(42, false, -1, 5);
		byte[] bytes = payload.encode(64);
		assertThat(Payload.decode(bytes, bytes.length)).isEqualTo(payload);
	}

	@Test
	void isFoundInsideAJsonStateValue() {
		Payload payload = new Payload(0xabc, true, 9, 77);
		String data = "{\"value\":\"" + new String(payload.encode(256), StandardCharsets.US_ASCII) + "\"}";
		assertThat(Payload.decode(data)).isEqualTo(payload);
	}

	@Test
	void onlyLettersDigitsAndSpacesSoJsonLeavesItAlone() {
		String text = new String(new Payload(1, true, 2, 3).encode(256), StandardCharsets.US_ASCII);
		assertThat(text).matches("[A-Za-z0-9 -]+");
	}

	@Test
	void dataWithoutPayloadOrMalformedGivesNull() {
		assertThat(Payload.decode("{\"connectionId\":\"x\"}")).isNull();
		assertThat(Payload.decode("EVB1 zz M 1 2 ")).isNull();
		assertThat(Payload.decode("EVB1 1 Q 1 2 ")).isNull();
		assertThat(Payload.decode("EVB1 1 M 1")).isNull();
		assertThat(Payload.decode("")).isNull();
	}

	@Test
	void onlyTheGivenLengthIsRead() {
		byte[] bytes = new Payload(1, true, 2, 3).encode(64);
		assertThat(Payload.decode(bytes, 10)).isNull();
	}

	@Test
	void sizeTooSmallForTheFieldsIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Payload(1, true, 2, 3).encode(8));
	}

}
