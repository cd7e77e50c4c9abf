package dev.evstream.core.store;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link StateStore#compareAndSet}.
 *
 * @param updated whether the new value was written
 * @param current the state as stored after the call: the new value when {@code updated},
 * the value that won otherwise, or {@code null} when the state no longer exists
 * @since 0.1.0
 */
public record CompareAndSetResult(boolean updated, @Nullable StoredState current) {

	/**
	 * Returns whether the call failed because the state does not exist.
	 * @return whether the state is missing
	 */
	public boolean missing() {
		return this.current == null;
	}

}
