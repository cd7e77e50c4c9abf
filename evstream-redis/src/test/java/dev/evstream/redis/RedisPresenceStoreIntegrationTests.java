package dev.evstream.redis;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.store.PresenceMember;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Redis presence store does that the backend contract cannot see: the keys it
 * keeps, and that removing and evicting leave none of a member behind, whatever text its
 * instance and principal hold.
 */
class RedisPresenceStoreIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// a JSON escape, a quote, a line break, a separator of keys and a character beyond
	// ASCII: the instance is read back from the member's JSON to find its index
	private static final String INSTANCE = "pod \"a\"\\b\nc:d ✓";

	private static LettuceConnectionFactory connections;

	private final RedisKeys keys = RedisConnections.isolatedKeys();

	private ReactiveStringRedisTemplate redis;

	private RedisPresenceStore store;

	@BeforeAll
	static void connect() {
		connections = RedisConnections.connect(RedisServer.shared());
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	@BeforeEach
	void createStore() {
		this.redis = new ReactiveStringRedisTemplate(connections);
		// as long as the tests wait: the first call of the run opens the connection
		this.store = new RedisPresenceStore(this.redis, this.keys, TIMEOUT);
	}

	@Test
	void addShouldKeepTheMemberItsIndexItsInstanceAndAnExpiringAliveMark() {
		PresenceMember member = new PresenceMember("room", "c-1", "Zoë \"x\"\t\u0001", 1000, INSTANCE);
		this.store.add(member, Duration.ofMinutes(1)).block(TIMEOUT);
		assertThat(keys()).containsExactlyInAnyOrder(this.keys.presence("room"), this.keys.presenceInstance(INSTANCE),
				this.keys.presenceInstances(), this.keys.alive(INSTANCE));
		assertThat(this.redis.<String, String>opsForHash().get(this.keys.presence("room"), "c-1").block(TIMEOUT))
			.isEqualTo(RedisPresenceStore.toJson(member));
		assertThat(this.redis.opsForSet().members(this.keys.presenceInstance(INSTANCE)).collectList().block(TIMEOUT))
			.containsExactly("room\nc-1");
		assertThat(this.redis.opsForSet().members(this.keys.presenceInstances()).collectList().block(TIMEOUT))
			.containsExactly(INSTANCE);
		assertThat(this.redis.getExpire(this.keys.presence("room")).block(TIMEOUT)).isEqualTo(Duration.ZERO);
		assertThat(this.redis.getExpire(this.keys.alive(INSTANCE)).block(TIMEOUT)).isPositive()
			.isLessThanOrEqualTo(Duration.ofMinutes(1));
		this.store.add(new PresenceMember("room", "c-2", "bob", 1001, INSTANCE), Duration.ofHours(1)).block(TIMEOUT);
		assertThat(this.redis.getExpire(this.keys.alive(INSTANCE)).block(TIMEOUT))
			.isLessThanOrEqualTo(Duration.ofMinutes(1));
		this.store.heartbeat(INSTANCE, Duration.ofHours(1)).block(TIMEOUT);
		assertThat(this.redis.getExpire(this.keys.alive(INSTANCE)).block(TIMEOUT)).isGreaterThan(Duration.ofMinutes(1));
	}

	@Test
	void removingEveryMemberShouldLeaveOnlyTheAliveMark() {
		PresenceMember first = new PresenceMember("room-a", "c-1", "alice", 1000, INSTANCE);
		PresenceMember second = new PresenceMember("room-b", "c-1", "alice", 1001, INSTANCE);
		this.store.add(first, Duration.ofMinutes(1)).block(TIMEOUT);
		this.store.add(second, Duration.ofMinutes(1)).block(TIMEOUT);
		assertThat(this.store.remove("room-a", "c-1").block(TIMEOUT)).isEqualTo(first);
		assertThat(keys()).contains(this.keys.presenceInstance(INSTANCE), this.keys.presenceInstances())
			.doesNotContain(this.keys.presence("room-a"));
		assertThat(this.store.remove("room-b", "c-1").block(TIMEOUT)).isEqualTo(second);
		assertThat(keys()).containsExactly(this.keys.alive(INSTANCE));
	}

	@Test
	void evictionShouldLeaveNoKeyOfTheDeadInstance() throws InterruptedException {
		PresenceMember live = new PresenceMember("room", "c-1", "alice", 1000, "live");
		PresenceMember dead = new PresenceMember("room", "c-2", "bob", 1001, INSTANCE);
		this.store.add(live, Duration.ofMinutes(1)).block(TIMEOUT);
		this.store.add(dead, Duration.ofMillis(100)).block(TIMEOUT);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		List<PresenceMember> evicted = this.store.evictDead().collectList().block(TIMEOUT);
		while (evicted.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
			evicted = this.store.evictDead().collectList().block(TIMEOUT);
		}
		assertThat(evicted).containsExactly(dead);
		assertThat(keys()).containsExactlyInAnyOrder(this.keys.presence("room"), this.keys.presenceInstance("live"),
				this.keys.presenceInstances(), this.keys.alive("live"));
		assertThat(this.redis.opsForSet().members(this.keys.presenceInstances()).collectList().block(TIMEOUT))
			.containsExactly("live");
	}

	private List<String> keys() {
		return this.redis.scan(ScanOptions.scanOptions().match(this.keys.prefix() + ":*").count(1000).build())
			.collectList()
			.block(TIMEOUT);
	}

}
