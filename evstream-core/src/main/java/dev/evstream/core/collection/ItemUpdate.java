package dev.evstream.core.collection;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.evstream.core.MergePatch;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies {@link UpdateOp update operations} to a copy of an item, in order, failing with
 * {@link EvCollectionUpdateException} at the first that cannot apply.
 */
final class ItemUpdate {

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private final ObjectMapper jsonMapper;

	ItemUpdate(ObjectMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	JsonNode apply(JsonNode item, List<UpdateOp> ops) {
		JsonNode result = item.deepCopy();
		for (UpdateOp op : ops) {
			result = apply(result, op);
		}
		return result;
	}

	private JsonNode apply(JsonNode item, UpdateOp op) {
		String path = op.path();
		if (path.isEmpty()) {
			if (op instanceof UpdateOp.SetValue set) {
				return node(set.value());
			}
			return merge(item, node(((UpdateOp.Merge) op).value()), "the item");
		}
		String[] segments = path.split("\\.");
		JsonNode parent = parentOf(item, segments, path);
		String last = segments[segments.length - 1];
		if (op instanceof UpdateOp.SetValue set) {
			put(parent, last, node(set.value()), path, false);
		}
		else if (op instanceof UpdateOp.Increment increment) {
			put(parent, last, add(child(parent, last, path), increment.by(), path), path, true);
		}
		else if (op instanceof UpdateOp.Append append) {
			put(parent, last, appended(child(parent, last, path), node(append.value()), path), path, true);
		}
		else if (op instanceof UpdateOp.Remove) {
			remove(parent, last, path);
		}
		else {
			JsonNode target = child(parent, last, path);
			if (target == null) {
				throw missing(path);
			}
			put(parent, last, merge(target, node(((UpdateOp.Merge) op).value()), "'" + path + "'"), path, false);
		}
		return item;
	}

	private JsonNode node(@Nullable Object value) {
		return (value != null) ? this.jsonMapper.valueToTree(value) : nodes.nullNode();
	}

	private static JsonNode parentOf(JsonNode item, String[] segments, String path) {
		JsonNode node = item;
		for (int i = 0; i < segments.length - 1; i++) {
			JsonNode next = child(node, segments[i], path);
			if (next == null) {
				throw missing(String.join(".", Arrays.copyOf(segments, i + 1)));
			}
			node = next;
		}
		if (!node.isObject() && !node.isArray()) {
			throw new EvCollectionUpdateException(
					"Path '" + path + "' goes through a " + kind(node) + ", not an object or array");
		}
		return node;
	}

	private static @Nullable JsonNode child(JsonNode node, String segment, String path) {
		if (node.isObject()) {
			return node.get(segment);
		}
		if (node.isArray()) {
			int index = index(segment, path);
			return (index < node.size()) ? node.get(index) : null;
		}
		throw new EvCollectionUpdateException(
				"Path '" + path + "' goes through a " + kind(node) + ", not an object or array");
	}

	private static void put(JsonNode parent, String segment, JsonNode value, String path, boolean mayCreate) {
		if (parent instanceof ObjectNode object) {
			object.set(segment, value);
			return;
		}
		ArrayNode array = (ArrayNode) parent;
		int index = index(segment, path);
		if (index < array.size()) {
			array.set(index, value);
		}
		else if (index == array.size() && mayCreate) {
			array.add(value);
		}
		else {
			throw missing(path);
		}
	}

	private static void remove(JsonNode parent, String segment, String path) {
		if (child(parent, segment, path) == null) {
			throw missing(path);
		}
		if (parent instanceof ObjectNode object) {
			object.remove(segment);
		}
		else {
			((ArrayNode) parent).remove(index(segment, path));
		}
	}

	private static JsonNode add(@Nullable JsonNode current, Number by, String path) {
		if (current != null && !current.isNumber()) {
			throw new EvCollectionUpdateException(
					"Cannot increment '" + path + "': it is a " + kind(current) + ", not a number");
		}
		boolean integral = by instanceof Long || by instanceof Integer || by instanceof Short || by instanceof Byte
				|| by instanceof BigInteger;
		if ((current == null || current.isIntegralNumber()) && integral) {
			BigInteger sum = ((current != null) ? current.bigIntegerValue() : BigInteger.ZERO)
				.add(new BigInteger(by.toString()));
			return (sum.bitLength() < 64) ? nodes.numberNode(sum.longValue()) : nodes.numberNode(sum);
		}
		BigDecimal sum = ((current != null) ? current.decimalValue() : BigDecimal.ZERO)
			.add(new BigDecimal(by.toString()));
		return nodes.numberNode(sum.doubleValue());
	}

	private static JsonNode appended(@Nullable JsonNode current, JsonNode value, String path) {
		if (current != null && !current.isArray()) {
			throw new EvCollectionUpdateException(
					"Cannot append to '" + path + "': it is a " + kind(current) + ", not an array");
		}
		ArrayNode array = (current != null) ? (ArrayNode) current : nodes.arrayNode();
		array.add(value);
		return array;
	}

	private static JsonNode merge(JsonNode target, JsonNode patch, String what) {
		if (!target.isObject()) {
			throw new EvCollectionUpdateException(
					"Cannot merge into " + what + ": it is a " + kind(target) + ", not an object");
		}
		if (!patch.isObject()) {
			throw new EvCollectionUpdateException("A merge needs an object, but was a " + kind(patch));
		}
		return MergePatch.apply(target, patch);
	}

	private static int index(String segment, String path) {
		try {
			int index = Integer.parseInt(segment);
			if (index >= 0) {
				return index;
			}
		}
		catch (NumberFormatException ex) {
			// not an index: reported below
		}
		throw new EvCollectionUpdateException(
				"Path '" + path + "' indexes an array with '" + segment + "', which is not an index");
	}

	private static EvCollectionUpdateException missing(String path) {
		return new EvCollectionUpdateException("Path '" + path + "' does not exist in the item");
	}

	private static String kind(JsonNode node) {
		return node.getNodeType().name().toLowerCase(Locale.ROOT);
	}

}
