package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.store.PresenceMember;
import dev.evstream.core.store.PresenceStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The {@link PresenceStore} of replicas that share one Redis. Each channel has a hash of
 * its members' JSON by connection id; each instance an index of the channels and
 * connections of its members, and an alive key that expires unless the instance marks it
 * again; one set names the instances that hold members. Adding, removing and evicting are
 * each one Lua script that keeps the hashes, the indexes and the set in step, so that an
 * eviction, which goes through the set and the indexes, finds every member of a dead
 * instance and takes it from Redis for exactly one caller.
 * <p>
 * Nothing here expires but the alive keys: members leave when removed, or when their
 * instance is evicted after it stopped marking itself alive.
 *
 * @since 0.1.0
 */
public final class RedisPresenceStore implements PresenceStore {

	// only for the members' JSON, whose form this class writes: no application settings
	// apply to it
	private static final JsonFactory json = new JsonFactory();

	private static final Comparator<PresenceMember> JOIN_ORDER = Comparator.comparingLong(PresenceMember::joinedAt)
		.thenComparing(PresenceMember::connectionId);

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration timeout;

	private final FirstConnection firstConnection = new FirstConnection();

	/**
	 * Creates the store.
	 * @param redis the template to run commands with
	 * @param keys the key names
	 * @param timeout the longest wait for Redis before a call fails
	 */
	RedisPresenceStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration timeout) {
		this.redis = Objects.requireNonNull(redis, "'redis' must not be null");
		this.keys = Objects.requireNonNull(keys, "'keys' must not be null");
		this.timeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public Mono<Boolean> add(PresenceMember member, Duration aliveFor) {
		Objects.requireNonNull(member, "'member' must not be null");
		Objects.requireNonNull(aliveFor, "'aliveFor' must not be null");
		Mono<Boolean> add = this.redis.execute(RedisScripts.PRESENCE_ADD,
				List.of(this.keys.presence(member.channel()), this.keys.presenceInstance(member.instance()),
						this.keys.presenceInstances(), this.keys.alive(member.instance())),
				List.of(member.connectionId(), toJson(member), member.channel(), member.instance(),
						milliseconds(aliveFor)))
			.next()
			.map((added) -> added == 1);
		return RedisFailures.bounded(this.firstConnection.guard(add), this.timeout,
				"add member '" + member.connectionId() + "' to channel '" + member.channel() + "'");
	}

	@Override
	public Mono<PresenceMember> remove(String channel, String connectionId) {
		Mono<PresenceMember> remove = this.redis
			.execute(RedisScripts.PRESENCE_REMOVE, List.of(this.keys.presence(channel), this.keys.presenceInstances()),
					List.of(connectionId, channel, this.keys.presenceInstancePrefix()))
			.next()
			.filter((removed) -> !removed.isEmpty())
			.map(RedisPresenceStore::fromJson);
		return RedisFailures.bounded(this.firstConnection.guard(remove), this.timeout,
				"remove member '" + connectionId + "' from channel '" + channel + "'");
	}

	@Override
	public Flux<PresenceMember> members(String channel) {
		Mono<List<PresenceMember>> members = this.redis.<String, String>opsForHash()
			.values(this.keys.presence(channel))
			.map(RedisPresenceStore::fromJson)
			.collectSortedList(JOIN_ORDER);
		return RedisFailures
			.bounded(this.firstConnection.guard(members), this.timeout, "read the members of channel '" + channel + "'")
			.flatMapIterable((list) -> list);
	}

	@Override
	public Mono<Long> count(String channel) {
		Mono<Long> count = this.redis.opsForHash().size(this.keys.presence(channel));
		return RedisFailures.bounded(this.firstConnection.guard(count), this.timeout,
				"count the members of channel '" + channel + "'");
	}

	@Override
	public Mono<Boolean> heartbeat(String instance, Duration aliveFor) {
		Objects.requireNonNull(aliveFor, "'aliveFor' must not be null");
		Mono<Boolean> heartbeat = this.redis
			.execute(RedisScripts.PRESENCE_HEARTBEAT, List.of(this.keys.alive(instance)),
					List.of(milliseconds(aliveFor)))
			.next()
			.map((alive) -> alive == 1);
		return RedisFailures.bounded(this.firstConnection.guard(heartbeat), this.timeout,
				"mark instance '" + instance + "' alive");
	}

	@Override
	public Flux<PresenceMember> evictDead() {
		Mono<List<PresenceMember>> evict = this.redis
			.execute(RedisScripts.PRESENCE_EVICT, List.of(this.keys.presenceInstances()),
					List.of(this.keys.alivePrefix(), this.keys.presenceInstancePrefix(), this.keys.presencePrefix()))
			.next()
			.map(RedisPresenceStore::members)
			.defaultIfEmpty(List.of());
		return RedisFailures
			.bounded(this.firstConnection.guard(evict), this.timeout, "evict the members of dead instances")
			.flatMapIterable((list) -> list);
	}

	private static String milliseconds(Duration aliveFor) {
		return Long.toString(Math.max(1, aliveFor.toMillis()));
	}

	private static List<PresenceMember> members(List<Object> reply) {
		List<PresenceMember> members = new ArrayList<>(reply.size());
		for (Object member : reply) {
			members.add(fromJson(String.valueOf(member)));
		}
		return members;
	}

	static String toJson(PresenceMember member) {
		StringBuilder json = new StringBuilder(96);
		json.append("{\"channel\":");
		quote(json, member.channel());
		json.append(",\"connectionId\":");
		quote(json, member.connectionId());
		json.append(",\"principal\":");
		quote(json, member.principal());
		json.append(",\"joinedAt\":").append(member.joinedAt());
		json.append(",\"instance\":");
		quote(json, member.instance());
		return json.append('}').toString();
	}

	static PresenceMember fromJson(String text) {
		String channel = null;
		String connectionId = null;
		String principal = null;
		long joinedAt = 0;
		String instance = null;
		try (JsonParser parser = json.createParser(ObjectReadContext.empty(), text)) {
			expect(parser.nextToken() == JsonToken.START_OBJECT, text);
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				switch (name) {
					case "channel" -> channel = string(parser, value, text);
					case "connectionId" -> connectionId = string(parser, value, text);
					case "principal" -> principal = string(parser, value, text);
					case "joinedAt" -> {
						expect(value == JsonToken.VALUE_NUMBER_INT, text);
						joinedAt = parser.getLongValue();
					}
					case "instance" -> instance = string(parser, value, text);
					// written by a later version: not needed here
					default -> parser.skipChildren();
				}
			}
		}
		expect(channel != null && connectionId != null && principal != null && instance != null, text);
		return new PresenceMember(channel, connectionId, principal, joinedAt, instance);
	}

	private static String string(JsonParser parser, @Nullable JsonToken value, String text) {
		expect(value == JsonToken.VALUE_STRING, text);
		return parser.getString();
	}

	private static void expect(boolean condition, String text) {
		if (!condition) {
			throw new IllegalStateException("Unexpected presence member in Redis: '" + text + "'");
		}
	}

	private static void quote(StringBuilder target, String text) {
		target.append('"');
		JsonStringEncoder.getInstance().quoteAsString(text, target);
		target.append('"');
	}

}
