package dev.evstream.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Converts state values to and from JSON with the application's mapper, and compares them
 * the way evstream's deep compare does: as JSON trees, numbers by value.
 */
final class StateCodec {

	private static final Comparator<JsonNode> BY_VALUE = (left, right) -> {
		if (left.isNumber() && right.isNumber()) {
			try {
				return left.decimalValue().compareTo(right.decimalValue());
			}
			catch (NumberFormatException ex) {
				// NaN and infinities have no decimal value
				return left.equals(right) ? 0 : 1;
			}
		}
		return left.equals(right) ? 0 : 1;
	};

	private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class,
			Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class);

	private final ObjectMapper jsonMapper;

	StateCodec(ObjectMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	JavaType type(Class<?> type) {
		return this.jsonMapper.constructType(type);
	}

	JavaType type(tools.jackson.core.type.TypeReference<?> type) {
		return this.jsonMapper.constructType(type);
	}

	/**
	 * Returns the type of a state declared by its initial value alone: its class, or the
	 * collection interface it implements, since the classes of {@code List.of()} and the
	 * like cannot be read back.
	 */
	JavaType typeOf(Object initialValue) {
		if (initialValue instanceof List) {
			return type(List.class);
		}
		if (initialValue instanceof Set) {
			return type(Set.class);
		}
		if (initialValue instanceof Map) {
			return type(Map.class);
		}
		return type(initialValue.getClass());
	}

	JsonNode tree(@Nullable Object value, String key) {
		try {
			return this.jsonMapper.valueToTree(value);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("The value of state '" + key + "' cannot be written as JSON: "
					+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage()), ex);
		}
	}

	String write(JsonNode tree) {
		return this.jsonMapper.writeValueAsString(tree);
	}

	JsonNode parse(String json) {
		return this.jsonMapper.readTree(json);
	}

	@SuppressWarnings("unchecked")
	<T> T read(JsonNode tree, JavaType type, String key) {
		if (type.isTypeOrSubTypeOf(JsonNode.class)) {
			// a tree read as a tree would be the shared instance itself
			return (T) tree.deepCopy();
		}
		try {
			return this.jsonMapper.treeToValue(tree, type);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("State '" + key + "' holds JSON that is not a " + type.toCanonical() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	static boolean sameJson(JsonNode left, JsonNode right) {
		return left.equals(BY_VALUE, right);
	}

	static String quote(String text) {
		StringBuilder out = new StringBuilder(text.length() + 2).append('"');
		JsonStringEncoder.getInstance().quoteAsString(text, out);
		return out.append('"').toString();
	}

	/**
	 * Returns whether values of a type cannot be changed in place, so that one decoded
	 * copy may be shared by every reader.
	 */
	static boolean isImmutable(JavaType type) {
		Class<?> raw = type.getRawClass();
		return raw.isPrimitive() || IMMUTABLE.contains(raw) || raw.isEnum() || raw.getName().startsWith("java.time.");
	}

}
