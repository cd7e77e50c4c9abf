package dev.evstream.core.collection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One operation of an atomic {@link EvCollection#update update} of an item. A path names
 * a place in the item: field names separated by dots, a number indexing an array, and
 * {@code ""} the item itself. The parents of the place must exist; {@link #increment
 * increment} and {@link #append append} create a missing last field (from {@code 0} and
 * {@code []}). An operation that meets a missing place or a value of another type fails
 * the whole update, and nothing is written.
 * <p>
 * Values are anything the application's JSON mapper writes.
 *
 * @since 0.1.0
 */
public sealed interface UpdateOp {

	/**
	 * Returns the path the operation applies to.
	 * @return the path, {@code ""} for the item itself
	 */
	String path();

	/**
	 * Sets the value at a path (replaces the item for {@code ""}).
	 * @param path the path
	 * @param value the value, {@code null} for JSON {@code null}
	 * @return the operation
	 */
	static UpdateOp set(String path, @Nullable Object value) {
		return new SetValue(path, value);
	}

	/**
	 * Adds to the number at a path, from {@code 0} if the field is missing.
	 * @param path the path of a number
	 * @param by the amount, negative to subtract
	 * @return the operation
	 */
	static UpdateOp increment(String path, Number by) {
		return new Increment(path, by);
	}

	/**
	 * Appends a value to the array at a path, to a new array if the field is missing.
	 * @param path the path of an array
	 * @param value the value
	 * @return the operation
	 */
	static UpdateOp append(String path, @Nullable Object value) {
		return new Append(path, value);
	}

	/**
	 * Removes the field or array element at a path, which must exist.
	 * @param path the path, not {@code ""}
	 * @return the operation
	 */
	static UpdateOp remove(String path) {
		return new Remove(path);
	}

	/**
	 * Merges an object into the object at a path, as a JSON merge patch (RFC 7396):
	 * {@code null} members remove fields.
	 * @param path the path of an object, {@code ""} for the item
	 * @param value the object to merge
	 * @return the operation
	 */
	static UpdateOp merge(String path, Object value) {
		return new Merge(path, value);
	}

	/**
	 * Reads an operation from its JSON form, as clients send it:
	 * {@code {"op":"set","path":"a.b","value":…}},
	 * {@code {"op":"increment","path":"n","by":1}},
	 * {@code {"op":"append","path":"tags","value":…}}, {@code {"op":"remove","path":"a"}}
	 * or {@code {"op":"merge","path":"","value":{…}}}.
	 * @param json the operation
	 * @return the operation
	 * @throws IllegalArgumentException if it is not one of these forms
	 */
	static UpdateOp fromJson(JsonNode json) {
		if (!json.isObject()) {
			throw new IllegalArgumentException("An update operation must be a JSON object");
		}
		String op = text(json, "op");
		String path = text(json, "path");
		return switch (op) {
			case "set" -> set(path, value(json, "value"));
			case "increment" -> {
				JsonNode by = value(json, "by");
				if (!by.isNumber()) {
					throw new IllegalArgumentException("An increment's 'by' must be a number");
				}
				yield increment(path, by.numberValue());
			}
			case "append" -> append(path, value(json, "value"));
			case "remove" -> remove(path);
			case "merge" -> merge(path, value(json, "value"));
			default -> throw new IllegalArgumentException(
					"Unknown update operation '" + op + "': use set, increment, append, remove or merge");
		};
	}

	/**
	 * Reads a list of operations from a JSON array.
	 * @param json the array
	 * @return the operations, at least one
	 * @throws IllegalArgumentException if it is not a non-empty array of operations
	 */
	static List<UpdateOp> listFromJson(@Nullable JsonNode json) {
		if (json == null || !json.isArray() || json.isEmpty()) {
			throw new IllegalArgumentException("'ops' must be a non-empty array of update operations");
		}
		List<UpdateOp> ops = new ArrayList<>(json.size());
		for (JsonNode op : json) {
			ops.add(fromJson(op));
		}
		return ops;
	}

	private static String text(JsonNode json, String field) {
		JsonNode value = json.get(field);
		if (value == null || !value.isString()) {
			throw new IllegalArgumentException("An update operation needs a string '" + field + "'");
		}
		return value.asString();
	}

	private static JsonNode value(JsonNode json, String field) {
		JsonNode value = json.get(field);
		if (value == null) {
			throw new IllegalArgumentException(
					"An update operation '" + json.get("op").asString() + "' needs '" + field + "'");
		}
		return value;
	}

	private static String checkPath(String path, boolean rootAllowed) {
		Objects.requireNonNull(path, "'path' must not be null");
		if (path.isEmpty()) {
			if (!rootAllowed) {
				throw new IllegalArgumentException("This operation needs a path to a field, not the item itself");
			}
			return path;
		}
		if (path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
			throw new IllegalArgumentException("Path '" + path + "' has an empty segment");
		}
		return path;
	}

	/**
	 * Sets a value.
	 *
	 * @param path the path
	 * @param value the value
	 */
	record SetValue(String path, @Nullable Object value) implements UpdateOp {

		/**
		 * Creates the operation, checking its path.
		 */
		public SetValue {
			checkPath(path, true);
		}

	}

	/**
	 * Adds to a number.
	 *
	 * @param path the path
	 * @param by the amount
	 */
	record Increment(String path, Number by) implements UpdateOp {

		/**
		 * Creates the operation, checking its path.
		 */
		public Increment {
			checkPath(path, false);
			Objects.requireNonNull(by, "'by' must not be null");
		}

	}

	/**
	 * Appends to an array.
	 *
	 * @param path the path
	 * @param value the value
	 */
	record Append(String path, @Nullable Object value) implements UpdateOp {

		/**
		 * Creates the operation, checking its path.
		 */
		public Append {
			checkPath(path, false);
		}

	}

	/**
	 * Removes a field or element.
	 *
	 * @param path the path
	 */
	record Remove(String path) implements UpdateOp {

		/**
		 * Creates the operation, checking its path.
		 */
		public Remove {
			checkPath(path, false);
		}

	}

	/**
	 * Merges an object.
	 *
	 * @param path the path
	 * @param value the object
	 */
	record Merge(String path, Object value) implements UpdateOp {

		/**
		 * Creates the operation, checking its path.
		 */
		public Merge {
			checkPath(path, true);
			Objects.requireNonNull(value, "'value' must not be null");
		}

	}

}
