package dev.evstream.spring.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TokenRedactingAccessLog}.
 */
class TokenRedactingAccessLogTests {

	private final TokenRedactingAccessLog log = new TokenRedactingAccessLog("token");

	@Test
	void redactWhenTokenLiteralShouldHideItsValue() {
		assertThat(this.log.redact("/evstream?channel=a&token=s3cr3t")).isEqualTo("/evstream?channel=a&token=***");
	}

	@Test
	void redactWhenConnectionTicketShouldHideItsValue() {
		assertThat(this.log.redact("/evstream?channel=a&ticket=Zm9vYmFyYmF6cXV4cXV1eA&%74icket=x"))
			.isEqualTo("/evstream?channel=a&ticket=***&%74icket=***");
	}

	@Test
	void redactWhenTokenNameIsPercentEncodedShouldHideItsValue() {
		assertThat(this.log.redact("/evstream?%74oken=s3cr3t&channel=a")).isEqualTo("/evstream?%74oken=***&channel=a");
		assertThat(this.log.redact("/x?t%6Fken=s3cr3t")).isEqualTo("/x?t%6Fken=***");
		assertThat(this.log.redact("/x?%74%6f%6b%65%6e=s3cr3t")).isEqualTo("/x?%74%6f%6b%65%6e=***");
	}

	@Test
	void redactWhenTokenRepeatedShouldHideEveryValue() {
		assertThat(this.log.redact("/x?token=one&a=b&token=two")).isEqualTo("/x?token=***&a=b&token=***");
	}

	@Test
	void redactWhenNameCannotBeDecodedShouldHideItsValue() {
		assertThat(this.log.redact("/x?tok%zzen=s3cr3t&a=b")).isEqualTo("/x?tok%zzen=***&a=b");
	}

	@Test
	void redactWhenOtherParametersShouldKeepThem() {
		assertThat(this.log.redact("/x?tokens=1&mytoken=2&a=token")).isEqualTo("/x?tokens=1&mytoken=2&a=token");
		assertThat(this.log.redact("/x")).isEqualTo("/x");
		assertThat(this.log.redact(null)).isEqualTo("-");
	}

}
