package dev.evstream.core.memory;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The operation ids of recent writes, per state, so that a retried write is applied once.
 * Bounded in time and in number: an id is remembered for the retention, and the oldest
 * are forgotten first when there are more than the capacity, so that a client that makes
 * up ids cannot grow the memory of the process.
 */
final class RecentOperations {

	/**
	 * How many ids are remembered at most.
	 */
	static final int DEFAULT_CAPACITY = 100_000;

	private final long retentionNanos;

	private final int capacity;

	// guarded by this; in insertion order, so the eldest entry expires first
	private final LinkedHashMap<String, Recent> expiries = new LinkedHashMap<>();

	RecentOperations(Duration retention, int capacity) {
		this.retentionNanos = retention.toNanos();
		this.capacity = capacity;
	}

	synchronized boolean seen(String key, String operationId) {
		expire(System.nanoTime());
		return this.expiries.containsKey(entry(key, operationId));
	}

	/**
	 * Returns what was remembered with an id, such as the position its write got.
	 * @return the value, or {@code null} if the id is not remembered
	 */
	synchronized @Nullable Long recall(String key, String operationId) {
		expire(System.nanoTime());
		Recent recent = this.expiries.get(entry(key, operationId));
		return (recent != null) ? recent.value : null;
	}

	synchronized void remember(String key, String operationId) {
		remember(key, operationId, 0);
	}

	synchronized void remember(String key, String operationId, long value) {
		long now = System.nanoTime();
		expire(now);
		this.expiries.put(entry(key, operationId), new Recent(now + this.retentionNanos, value));
		if (this.expiries.size() > this.capacity) {
			this.expiries.remove(this.expiries.keySet().iterator().next());
		}
	}

	private void expire(long now) {
		Iterator<Map.Entry<String, Recent>> iterator = this.expiries.entrySet().iterator();
		while (iterator.hasNext()) {
			Map.Entry<String, Recent> eldest = iterator.next();
			if (eldest.getValue().expiresAt - now > 0) {
				return;
			}
			iterator.remove();
		}
	}

	private static String entry(String key, String operationId) {
		// a channel name holds no line break, so the pair cannot be read two ways
		return key + '\n' + operationId;
	}

	private record Recent(long expiresAt, long value) {
	}

}
