package dev.evstream.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts that make each write atomic with the event it publishes. They are run
 * by digest and sent again when Redis has forgotten them (after a restart).
 * <p>
 * Every script that appends to a channel starts with the functions of
 * {@code channel-append-functions.lua}, so that a channel's messages are appended one way
 * whichever write sends them.
 */
final class RedisScripts {

	static final RedisScript<List<Object>> STATE_CREATE = load("state-create.lua");

	static final RedisScript<List<Object>> STATE_COMPARE_AND_SET = load("state-compare-and-set.lua");

	static final RedisScript<List<Object>> STATE_RESTORE = load("state-restore.lua");

	static final RedisScript<Long> STATE_REMOVE = RedisScript.of(resource("state-remove.lua"), Long.class);

	static final RedisScript<List<Object>> STATE_ALL = load("state-all.lua");

	static final RedisScript<String> CHANNEL_APPEND = RedisScript.of(appending("channel-append.lua"), String.class);

	static final RedisScript<String> CHANNEL_HEAD = RedisScript.of(resource("channel-head.lua"), String.class);

	static final RedisScript<List<Object>> CHANNEL_READ = load("channel-read.lua");

	static final RedisScript<List<Object>> COLLECTION_WRITE = list(appending("collection-write.lua"));

	static final RedisScript<List<Object>> COLLECTION_SNAPSHOT = load("collection-snapshot.lua");

	static final RedisScript<String> OPERATION_CLAIM = RedisScript.of(resource("operation-claim.lua"), String.class);

	static final RedisScript<List<Object>> LOG_APPEND = list(appending("log-append.lua"));

	static final RedisScript<List<Object>> LOG_SNAPSHOT = load("log-snapshot.lua");

	static final RedisScript<Long> PRESENCE_ADD = RedisScript.of(resource("presence-add.lua"), Long.class);

	static final RedisScript<String> PRESENCE_REMOVE = RedisScript.of(resource("presence-remove.lua"), String.class);

	static final RedisScript<Long> PRESENCE_HEARTBEAT = RedisScript.of(resource("presence-heartbeat.lua"), Long.class);

	static final RedisScript<List<Object>> PRESENCE_EVICT = load("presence-evict.lua");

	static final RedisScript<List<Object>> TICKET_TAKE = load("ticket-take.lua");

	static final RedisScript<String> BUS_EPOCH = RedisScript.of(resource("bus-epoch.lua"), String.class);

	private RedisScripts() {
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RedisScript<List<Object>> load(String name) {
		return (RedisScript) RedisScript.of(resource(name), List.class);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RedisScript<List<Object>> list(String script) {
		return (RedisScript) RedisScript.of(script, List.class);
	}

	private static String appending(String name) {
		return text("channel-append-functions.lua") + "\n" + text(name);
	}

	private static String text(String name) {
		try {
			return resource(name).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read script '" + name + "'", ex);
		}
	}

	private static ClassPathResource resource(String name) {
		return new ClassPathResource(name, RedisScripts.class);
	}

}
