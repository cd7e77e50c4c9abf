package dev.evstream.redis;

import java.time.Duration;
import java.util.List;

import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.ItemWriteResult.Outcome;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Redis collection store does that the backend contract cannot see: a write sent
 * again (as the client does after a reconnect) applies once, and the keys it leaves.
 */
class RedisCollectionStoreIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static LettuceConnectionFactory connections;

	private final RedisKeys keys = RedisConnections.isolatedKeys();

	private ReactiveStringRedisTemplate redis;

	private RedisChannelHistory history;

	private RedisCollectionStore store;

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
		this.history = new RedisChannelHistory(this.redis, this.keys, 10, Duration.ofSeconds(100),
				Duration.ofSeconds(2));
		this.store = new RedisCollectionStore(this.redis, this.keys, this.history, Duration.ofSeconds(2));
	}

	@Test
	void writeSentAgainShouldApplyOnceAndAnswerAsTheFirstTime() {
		Mono<ItemWriteResult> create = this.store.write(write("a", 0, "1"));
		ItemWriteResult first = create.block(TIMEOUT);
		assertThat(create.block(TIMEOUT)).isEqualTo(first);
		Mono<ItemWriteResult> update = this.store.write(write("a", 1, "2"));
		ItemWriteResult updated = update.block(TIMEOUT);
		assertThat(this.store.write(write("a", 2, "3")).block(TIMEOUT).outcome()).isEqualTo(Outcome.WRITTEN);
		assertThat(update.block(TIMEOUT)).isEqualTo(updated)
			.isEqualTo(new ItemWriteResult(Outcome.WRITTEN, new StoredItem("a", 2, "2"), first.sequence() + 1));
		Mono<ItemWriteResult> delete = this.store.write(write("a", 3, null));
		ItemWriteResult deleted = delete.block(TIMEOUT);
		assertThat(delete.block(TIMEOUT)).isEqualTo(deleted);
		assertThat(deleted.item()).isNull();
		assertThat(this.store.get("todos", "g", "a").block(TIMEOUT)).isNull();
		assertThat(this.history.head("todos/g").block(TIMEOUT)).isEqualTo(first.sequence() + 3);
		assertThat(this.history.readAfter("todos/g", first.sequence() - 1).block(TIMEOUT).messages()).hasSize(4);
	}

	@Test
	void writesShouldKeepItemsForeverAndOperationIdsForTheirRetention() {
		this.store.write(new ItemWrite("todos", "g", "a", 0, "{\"n\":1}", "m", "op-1", 0)).block(TIMEOUT);
		assertThat(keys()).containsExactlyInAnyOrder(this.keys.items("todos/g"), this.keys.groups("todos"),
				this.keys.sequence("todos/g"), this.keys.history("todos/g"),
				this.keys.itemOperation("todos/g", "op-1"));
		assertThat(this.redis.getExpire(this.keys.items("todos/g")).block(TIMEOUT)).isEqualTo(Duration.ZERO);
		assertThat(this.redis.getExpire(this.keys.groups("todos")).block(TIMEOUT)).isEqualTo(Duration.ZERO);
		assertThat(this.redis.getExpire(this.keys.itemOperation("todos/g", "op-1")).block(TIMEOUT)).isPositive()
			.isLessThanOrEqualTo(StateStore.OPERATION_RETENTION);
		assertThat(this.store.get("todos", "g", "a").block(TIMEOUT)).isEqualTo(new StoredItem("a", 1, "{\"n\":1}"));
		this.store.write(new ItemWrite("todos", "g", "a", 1, null, "m", null, 0)).block(TIMEOUT);
		assertThat(keys()).doesNotContain(this.keys.items("todos/g"), this.keys.groups("todos"));
	}

	private static ItemWrite write(String id, long expectedVersion, @Nullable String json) {
		return new ItemWrite("todos", "g", id, expectedVersion, json, "m" + expectedVersion, null, 0);
	}

	private List<String> keys() {
		return this.redis.scan(ScanOptions.scanOptions().match(this.keys.prefix() + ":*").count(1000).build())
			.collectList()
			.block(TIMEOUT);
	}

}
