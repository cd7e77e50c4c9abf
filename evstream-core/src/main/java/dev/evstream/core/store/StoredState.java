package dev.evstream.core.store;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The stored value of one state: its JSON text and its version.
 *
 * @param key the state key, which is also the channel it is broadcast on
 * @param version the version, bumped by one on every accepted change; the first version
 * is {@code 1}
 * @param json the value as JSON text
 * @param dataKey the field that holds the value in broadcast events ({@code value} by
 * default, as evstream)
 * @param incarnation identifies this life of the state: a state removed and created again
 * gets a new incarnation, and its versions start again at {@code 1}
 * @param operationId the operation id of the write that made this version, when it had
 * one and this is that write's outcome or broadcast; {@code null} otherwise (a stored
 * value read back does not know it)
 * @since 0.1.0
 */
public record StoredState(String key, long version, String json, String dataKey, String incarnation,
		@Nullable String operationId) {

	/**
	 * Creates a stored state, checking its fields.
	 * @param key the state key
	 * @param version the version
	 * @param json the JSON text
	 * @param dataKey the data key
	 * @param incarnation the incarnation
	 * @param operationId the operation id of the write that made this version, or
	 * {@code null}
	 */
	public StoredState {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(json, "'json' must not be null");
		Objects.requireNonNull(dataKey, "'dataKey' must not be null");
		Objects.requireNonNull(incarnation, "'incarnation' must not be null");
		if (version < 1) {
			throw new IllegalArgumentException("'version' must be at least 1, but was " + version);
		}
	}

	/**
	 * Creates a stored state whose operation id is not known.
	 * @param key the state key
	 * @param version the version
	 * @param json the JSON text
	 * @param dataKey the data key
	 * @param incarnation the incarnation
	 */
	public StoredState(String key, long version, String json, String dataKey, String incarnation) {
		this(key, version, json, dataKey, incarnation, null);
	}

	/**
	 * Returns whether this and another stored state are the same life of the state.
	 * @param other the other state
	 * @return whether their incarnations are equal
	 */
	public boolean sameIncarnation(StoredState other) {
		return this.incarnation.equals(other.incarnation);
	}

	/**
	 * Returns the next version of this state with the given value.
	 * @param newJson the new value as JSON text
	 * @param operationId the operation id of the write, or {@code null}
	 * @return the next version
	 */
	public StoredState next(String newJson, @Nullable String operationId) {
		return new StoredState(this.key, this.version + 1, newJson, this.dataKey, this.incarnation, operationId);
	}

}
