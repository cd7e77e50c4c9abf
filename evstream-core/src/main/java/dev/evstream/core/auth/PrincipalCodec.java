package dev.evstream.core.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a principal as the JSON a connection ticket keeps,
 * {@code {"name":…,"attributes":{…}}}, and reads it back. Attributes are read back as
 * JSON values: objects as maps, arrays as lists, numbers as {@link Integer},
 * {@link Long}, {@link java.math.BigInteger} or {@link Double}.
 */
final class PrincipalCodec {

	// only for the principals' JSON, whose form this class writes: no application
	// settings apply to it, so that a ticket issued on one replica reads on another
	private static final JsonMapper json = JsonMapper.builder().build();

	private PrincipalCodec() {
	}

	static String toJson(EvPrincipal principal) {
		Map<String, Object> form = new LinkedHashMap<>();
		form.put("name", principal.name());
		form.put("attributes", principal.attributes());
		try {
			return json.writeValueAsString(form);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The attributes of principal '" + principal.name()
					+ "' cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	static EvPrincipal fromJson(String value) {
		try {
			JsonNode form = json.readTree(value);
			JsonNode name = form.get("name");
			JsonNode attributes = form.get("attributes");
			if (name == null || !name.isString() || attributes == null || !attributes.isObject()) {
				throw new IllegalStateException(
						"A ticket holds no principal: expected a 'name' string and an 'attributes' object");
			}
			Map<String, Object> read = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
				// the principal holds no null attributes, so none was written
				if (!attribute.getValue().isNull()) {
					read.put(attribute.getKey(), json.treeToValue(attribute.getValue(), Object.class));
				}
			}
			return new EvPrincipal(name.stringValue(), read);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("A ticket holds no principal: " + ex.getOriginalMessage(), ex);
		}
	}

}
