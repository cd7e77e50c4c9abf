package dev.evstream.core.collection;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An item after a write, as JSON, for endpoints that answer a client.
 *
 * @param id the item id
 * @param data the item after the write, or {@code null} after a delete
 * @param operationId the operation id the write carried, or {@code null}
 * @since 0.1.0
 */
public record EvCollectionItem(String id, @Nullable JsonNode data, @Nullable String operationId) {
}
