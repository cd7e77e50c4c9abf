package dev.evstream.core.memory;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The operation ids of recent writes, per state, channel or record set, so that a retried
 * write is applied once. Bounded in time and in number: an id is remembered for the
 * retention (or the time given with it), and the oldest are forgotten first when there
 * are more than the capacity, so that a client that makes up ids cannot grow the memory
 * of the process.
 *
 * @param <V> what is remembered with an id
 */
final class RecentOperations<V> {

	/**
	 * How many ids are remembered at most.
	 */
	static final int DEFAULT_CAPACITY = 100_000;

	private final long retentionNanos;

	private final int capacity;

	// guarded by this; in insertion order, so the eldest entry expires first
	private final LinkedHashMap<String, Recent<V>> expiries = new LinkedHashMap<>();

	RecentOperations(Duration retention, int capacity) {
		this.retentionNanos = retention.toNanos();
		this.capacity = capacity;
	}

	synchronized boolean seen(String key, String operationId) {
		return recall(key, operationId) != null;
	}

	/**
	 * Returns what was remembered with an id, such as the position its write got.
	 * @return the value, or {@code null} if the id is not remembered
	 */
	synchronized @Nullable V recall(String key, String operationId) {
		long now = System.nanoTime();
		expire(now);
		Recent<V> recent = this.expiries.get(entry(key, operationId));
		// an entry remembered for less than the retention may have expired behind the
		// eldest
		return (recent != null && recent.expiresAt - now > 0) ? recent.value : null;
	}

	synchronized void remember(String key, String operationId, V value) {
		remember(key, operationId, value, this.retentionNanos);
	}

	synchronized void remember(String key, String operationId, V value, Duration retention) {
		remember(key, operationId, value, retention.toNanos());
	}

	synchronized void forget(String key, String operationId) {
		this.expiries.remove(entry(key, operationId));
	}

	private void remember(String key, String operationId, V value, long retentionNanos) {
		long now = System.nanoTime();
		expire(now);
		String entry = entry(key, operationId);
		// put again at the end, so that insertion order stays close to expiry order
		this.expiries.remove(entry);
		this.expiries.put(entry, new Recent<>(now + retentionNanos, value));
		if (this.expiries.size() > this.capacity) {
			this.expiries.remove(this.expiries.keySet().iterator().next());
		}
	}

	private void expire(long now) {
		Iterator<Map.Entry<String, Recent<V>>> iterator = this.expiries.entrySet().iterator();
		while (iterator.hasNext()) {
			Map.Entry<String, Recent<V>> eldest = iterator.next();
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

	private record Recent<V>(long expiresAt, V value) {
	}

}
