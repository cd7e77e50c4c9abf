package dev.evstream.redis;

import java.util.Objects;

/**
 * The names of everything evstream keeps in Redis, all under one prefix so that several
 * applications (or tests) share a server without meeting.
 *
 * @since 0.1.0
 */
public final class RedisKeys {

	private final String prefix;

	/**
	 * Creates the key names under a prefix.
	 * @param prefix the prefix, such as {@code evstream}
	 */
	public RedisKeys(String prefix) {
		Objects.requireNonNull(prefix, "'prefix' must not be null");
		if (prefix.isEmpty() || prefix.contains("\n") || prefix.contains(" ")) {
			throw new IllegalArgumentException(
					"Redis key prefix must be non-empty without spaces or line breaks, but was '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	/**
	 * Returns the prefix.
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	/**
	 * Returns the pub/sub channel of the bus.
	 * @return the channel name
	 */
	public String bus() {
		return this.prefix + ":bus";
	}

	String epoch() {
		return this.prefix + ":epoch";
	}

	String state(String key) {
		return statePrefix() + key;
	}

	String statePrefix() {
		return this.prefix + ":state:";
	}

	String states() {
		return this.prefix + ":states";
	}

	String tombstone(String key) {
		return this.prefix + ":removed:" + key;
	}

	String restoring(String key) {
		return this.prefix + ":restoring:" + key;
	}

	String operation(String key, String operationId) {
		// '|' is in neither a channel name nor an operation id, so the pair reads one way
		return this.prefix + ":op:" + key + "|" + operationId;
	}

	String itemOperation(String channel, String operationId) {
		// apart from the states' markers: a state key may read like a group's channel
		return this.prefix + ":item-op:" + channel + "|" + operationId;
	}

	String actionOperation(String recordSet, String operationId) {
		// '|' is in neither a record set's name nor an operation id, so the pair reads
		// one
		// way
		return this.prefix + ":action-op:" + recordSet + "|" + operationId;
	}

	String logHead(String name) {
		return this.prefix + ":log:" + name;
	}

	String logEvents(String name) {
		return this.prefix + ":log-events:" + name;
	}

	String logEventId(String name, String eventId) {
		// '|' is in neither a log name nor an event id, so the pair reads one way
		return this.prefix + ":log-event:" + name + "|" + eventId;
	}

	String items(String channel) {
		return this.prefix + ":items:" + channel;
	}

	String groups(String stream) {
		return this.prefix + ":groups:" + stream;
	}

	String sequence(String channel) {
		return this.prefix + ":seq:" + channel;
	}

	String history(String channel) {
		return this.prefix + ":history:" + channel;
	}

	String presence(String channel) {
		return presencePrefix() + channel;
	}

	String presencePrefix() {
		// apart from the instances' indexes and their set: "presence" is followed by ':'
		// here and by '-' there
		return this.prefix + ":presence:";
	}

	String presenceInstance(String instance) {
		return presenceInstancePrefix() + instance;
	}

	String presenceInstancePrefix() {
		// each entry of an index is a channel and a connection id joined by '\n': a
		// channel name holds no line break, so the first one splits the pair one way
		return this.prefix + ":presence-instance:";
	}

	String presenceInstances() {
		// "instances" then nothing, where an index has "instance:" and its name
		return this.prefix + ":presence-instances";
	}

	String alive(String instance) {
		return alivePrefix() + instance;
	}

	String alivePrefix() {
		return this.prefix + ":alive:";
	}

	String ticket(String ticket) {
		return this.prefix + ":ticket:" + ticket;
	}

}
