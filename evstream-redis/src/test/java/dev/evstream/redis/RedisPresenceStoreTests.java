package dev.evstream.redis;

import dev.evstream.core.store.PresenceMember;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The JSON form in which the Redis presence store keeps a member.
 */
class RedisPresenceStoreTests {

	@Test
	void jsonShouldEscapeAnyTextAndReadBackTheSameMember() {
		PresenceMember member = new PresenceMember("room/a", "c-1",
				"\"Zoë\" \\ line\nbreak\t\u0000\u2028 ✓ \uD83D\uDE00", 1_767_225_600_123L, "pod\n\"1\"");
		String json = RedisPresenceStore.toJson(member);
		assertThat(json).doesNotContain("\n").doesNotContain("\u0000");
		assertThat(RedisPresenceStore.fromJson(json)).isEqualTo(member);
	}

	@Test
	void jsonWithFieldsOfALaterVersionShouldReadTheKnownOnes() {
		String json = "{\"zone\":{\"a\":[1,2]},\"instance\":\"i\",\"joinedAt\":5,\"principal\":\"p\","
				+ "\"connectionId\":\"c\",\"channel\":\"room\",\"tags\":[\"x\"]}";
		assertThat(RedisPresenceStore.fromJson(json)).isEqualTo(new PresenceMember("room", "c", "p", 5, "i"));
	}

	@Test
	void jsonMissingAFieldShouldBeRefused() {
		assertThatIllegalStateException().isThrownBy(() -> RedisPresenceStore.fromJson("{\"channel\":\"room\"}"))
			.withMessageContaining("Unexpected presence member");
	}

}
