package dev.evstream.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.history.SequenceBase;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.ItemWriteResult.Outcome;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link CollectionStore} of replicas that share one Redis. Each group is a hash from
 * item id to {@code "<version> <json>"}, and each stream has a set of its groups that
 * hold items. Every write is one Lua script that checks the version, the operation id and
 * the group's limit, writes, and appends the change to the group's channel as
 * {@link RedisChannelHistory} appends any message (same sequence, history and bus), so
 * that the order in which Redis stores writes is the order in which every replica
 * receives them.
 * <p>
 * Items never expire: they are the application's data. A group's channel expires as any
 * channel does; its sequence then starts again from a new base, and subscribers holding
 * older positions are reset to a fresh snapshot.
 *
 * @since 0.1.0
 */
public final class RedisCollectionStore implements CollectionStore {

	private static final SecureRandom random = new SecureRandom();

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final RedisChannelHistory history;

	private final Duration timeout;

	private final FirstConnection firstConnection = new FirstConnection();

	/**
	 * Creates the store.
	 * @param redis the template to run commands with
	 * @param keys the key names
	 * @param history the history the groups' channels share with every other channel
	 * @param timeout the longest wait for Redis before a call fails
	 */
	RedisCollectionStore(ReactiveStringRedisTemplate redis, RedisKeys keys, RedisChannelHistory history,
			Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.history = Objects.requireNonNull(history, "'history' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<StoredItem> get(String stream, String group, String id) {
		Mono<StoredItem> read = this.redis.<String, String>opsForHash()
			.get(this.keys.items(channel(stream, group)), id)
			.map((stored) -> item(id, stored));
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout,
				"read item '" + id + "' of group '" + channel(stream, group) + "'");
	}

	@Override
	public Mono<GroupSnapshot> snapshot(String stream, String group) {
		String channel = channel(stream, group);
		Mono<GroupSnapshot> read = this.redis
			.execute(RedisScripts.COLLECTION_SNAPSHOT,
					List.of(this.keys.items(channel), this.keys.sequence(channel), this.keys.history(channel)),
					List.of(this.history.ttlSeconds()))
			.next()
			.map(RedisCollectionStore::snapshot);
		return RedisFailures.bounded(this.firstConnection.guard(read), this.timeout,
				"read the items of group '" + channel + "'");
	}

	@Override
	public Flux<String> groups(String stream) {
		Mono<List<String>> read = this.redis.opsForSet().members(this.keys.groups(stream)).collectList();
		return RedisFailures
			.bounded(this.firstConnection.guard(read), this.timeout, "read the groups of stream '" + stream + "'")
			.flatMapMany(Flux::fromIterable);
	}

	@Override
	public Mono<ItemWriteResult> write(ItemWrite write) {
		String channel = write.channel();
		// made once per write, so that a command the client sends again carries the same
		// id
		String messageId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
		String operation = (write.operationId() != null) ? write.operationId() : "";
		String json = (write.json() != null) ? write.json() : "";
		Mono<ItemWriteResult> result = this.redis.execute(RedisScripts.COLLECTION_WRITE,
				List.of(this.keys.items(channel), this.keys.groups(write.stream()), this.keys.sequence(channel),
						this.keys.history(channel), this.keys.itemOperation(channel, operation)),
				List.of(write.group(), write.id(), Long.toString(write.expectedVersion()),
						write.isDelete() ? "delete" : "set", json, Integer.toString(write.maxItems()), operation,
						Long.toString(StateStore.OPERATION_RETENTION.toSeconds()), channel, write.message(), messageId,
						Long.toString(SequenceBase.now()), Integer.toString(this.history.size()), this.keys.bus(),
						this.history.ttlSeconds()))
			.next()
			.map((reply) -> result(write, reply));
		return RedisFailures.bounded(this.firstConnection.guard(result), this.timeout,
				"write item '" + write.id() + "' of group '" + channel + "'");
	}

	@Override
	public Mono<Long> send(String stream, String group, String data) {
		String channel = channel(stream, group);
		return this.history.append(channel, channel, data);
	}

	private static String channel(String stream, String group) {
		return stream + "/" + group;
	}

	private static ItemWriteResult result(ItemWrite write, List<Object> reply) {
		String outcome = text(reply, 0);
		long sequence = Long.parseLong(text(reply, 1));
		String stored = text(reply, 2);
		@Nullable StoredItem item = stored.isEmpty() ? null : item(write.id(), stored);
		return switch (outcome) {
			case "written" -> new ItemWriteResult(Outcome.WRITTEN, item, sequence);
			// sent again by the client after a reconnect, and applied the first time: the
			// answer is the first one, whatever was written since
			case "resent" -> new ItemWriteResult(Outcome.WRITTEN, written(write), sequence);
			case "repeated" -> new ItemWriteResult(Outcome.REPEATED, item, 0);
			case "conflict" -> new ItemWriteResult(Outcome.CONFLICT, item, 0);
			case "full" -> new ItemWriteResult(Outcome.GROUP_FULL, null, 0);
			default -> throw new IllegalStateException("Unexpected reply to an item write: " + outcome);
		};
	}

	private static @Nullable StoredItem written(ItemWrite write) {
		String json = write.json();
		return (json != null) ? new StoredItem(write.id(), write.expectedVersion() + 1, json) : null;
	}

	@SuppressWarnings("unchecked")
	private static GroupSnapshot snapshot(List<Object> reply) {
		long sequence = Long.parseLong(text(reply, 0));
		List<Object> fields = (List<Object>) reply.get(1);
		List<StoredItem> items = new ArrayList<>(fields.size() / 2);
		for (int i = 0; i + 1 < fields.size(); i += 2) {
			items.add(item(text(fields, i), text(fields, i + 1)));
		}
		return new GroupSnapshot(sequence, items);
	}

	/**
	 * Reads an item stored as {@code "<version> <json>"}.
	 */
	private static StoredItem item(String id, String stored) {
		int space = stored.indexOf(' ');
		return new StoredItem(id, Long.parseLong(stored.substring(0, space)), stored.substring(space + 1));
	}

	private static String text(List<Object> reply, int index) {
		return String.valueOf(reply.get(index));
	}

}
