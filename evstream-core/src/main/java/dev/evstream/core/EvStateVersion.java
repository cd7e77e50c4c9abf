package dev.evstream.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A state as a write left it: the version the write made (or found, when the store
 * recognised a retried operation id) and the value at that version.
 *
 * @param key the key of the state
 * @param version the version after the write
 * @param value the value at that version
 * @param operationId the operation id the write carried, or {@code null}
 * @since 0.1.0
 */
public record EvStateVersion(String key, long version, JsonNode value, @Nullable String operationId) {

	/**
	 * Creates the record, checking its fields.
	 * @param key the key of the state
	 * @param version the version after the write
	 * @param value the value at that version
	 * @param operationId the operation id, or {@code null}
	 */
	public EvStateVersion {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(value, "'value' must not be null");
	}

}
