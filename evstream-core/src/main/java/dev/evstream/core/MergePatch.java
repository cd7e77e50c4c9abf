package dev.evstream.core;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON merge patch (RFC 7396): an object patch merges into the value member by member, a
 * {@code null} member removes that member, and anything else (an array, a string, a
 * number) replaces the value whole. States apply client patches with it, and collections
 * their {@code merge} updates.
 *
 * @since 0.1.0
 */
public final class MergePatch {

	private MergePatch() {
	}

	/**
	 * Returns the patched value; the target is left as it was.
	 * @param target the value to patch
	 * @param patch the patch
	 * @return the new value
	 */
	public static JsonNode apply(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch.deepCopy();
		}
		ObjectNode result = target.isObject() ? ((ObjectNode) target).deepCopy()
				: JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			String name = member.getKey();
			JsonNode value = member.getValue();
			if (value.isNull()) {
				result.remove(name);
			}
			else {
				JsonNode current = result.get(name);
				result.set(name, apply((current != null) ? current : JsonNodeFactory.instance.nullNode(), value));
			}
		}
		return result;
	}

}
