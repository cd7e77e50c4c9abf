package dev.evstream.core.collection;

import java.util.List;
import java.util.Objects;

import dev.evstream.core.ModelNames;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A write of one item, as a client asks for it: the item's new value, operations to
 * apply, or its deletion.
 *
 * @param group the group
 * @param id the item id
 * @param kind what to do
 * @param data the new value, for {@link Kind#SET}
 * @param ops the operations, for {@link Kind#UPDATE}
 * @since 0.1.0
 */
public record EvCollectionWrite(String group, String id, Kind kind, @Nullable JsonNode data, List<UpdateOp> ops) {

	/**
	 * Creates a write, checking that it carries what its kind needs.
	 * @param group the group
	 * @param id the item id
	 * @param kind the kind
	 * @param data the value of a set
	 * @param ops the operations of an update
	 */
	public EvCollectionWrite {
		ModelNames.group(group);
		ModelNames.id(id);
		Objects.requireNonNull(kind, "'kind' must not be null");
		ops = List.copyOf(ops);
		if (kind == Kind.SET && data == null) {
			throw new IllegalArgumentException("A set needs 'data'");
		}
		if (kind == Kind.UPDATE && ops.isEmpty()) {
			throw new IllegalArgumentException("An update needs at least one operation in 'ops'");
		}
	}

	/**
	 * Reads a write from the JSON body clients send: {@code {"op":"set","data":…}},
	 * {@code {"op":"update","ops":[…]}} (see {@link UpdateOp#fromJson}) or
	 * {@code {"op":"delete"}}.
	 * @param group the group
	 * @param id the item id
	 * @param body the body
	 * @return the write
	 * @throws IllegalArgumentException if the body is not one of these forms, or a name
	 * is invalid
	 */
	public static EvCollectionWrite fromJson(String group, String id, JsonNode body) {
		if (body == null || !body.isObject()) {
			throw new IllegalArgumentException("A collection write must be a JSON object");
		}
		JsonNode op = body.get("op");
		String kind = (op != null && op.isString()) ? op.asString() : "";
		return switch (kind) {
			case "set" -> {
				JsonNode data = body.get("data");
				if (data == null || data.isNull()) {
					throw new IllegalArgumentException("A set needs 'data'");
				}
				yield new EvCollectionWrite(group, id, Kind.SET, data, List.of());
			}
			case "update" ->
				new EvCollectionWrite(group, id, Kind.UPDATE, null, UpdateOp.listFromJson(body.get("ops")));
			case "delete" -> new EvCollectionWrite(group, id, Kind.DELETE, null, List.of());
			default -> throw new IllegalArgumentException("A collection write needs 'op': set, update or delete");
		};
	}

	/**
	 * What a write does.
	 */
	public enum Kind {

		/**
		 * Creates or replaces the item.
		 */
		SET,

		/**
		 * Applies operations to an existing item, atomically.
		 */
		UPDATE,

		/**
		 * Removes the item.
		 */
		DELETE

	}

}
