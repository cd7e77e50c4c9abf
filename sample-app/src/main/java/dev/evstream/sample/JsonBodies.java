package dev.evstream.sample;

import java.util.Set;

import dev.evstream.spring.json.JsonOnlyWebFilter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies as JSON objects with precise error messages, which the generic
 * binding would not give. Writes to {@code /api/**} must declare a JSON content type,
 * even without a body, so that no page of another site can make a browser send one (see
 * {@link JsonOnlyWebFilter}); the application's {@link JsonMapper} rejects repeated keys
 * (evstream's default).
 *
 * @since 0.1.0
 */
@Component
class JsonBodies {

	private final JsonMapper jsonMapper;

	JsonBodies(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Parses a body that must be a JSON object.
	 * @param body the body, possibly absent
	 * @return the object, or {@code null} for an empty body
	 * @throws IllegalArgumentException if the body is not a JSON object
	 */
	@Nullable JsonNode object(@Nullable String body) {
		if (body == null || body.isBlank()) {
			return null;
		}
		JsonNode json;
		try {
			json = this.jsonMapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The body is not valid JSON: " + ex.getOriginalMessage());
		}
		if (!json.isObject()) {
			throw new IllegalArgumentException("The body must be a JSON object, but was " + describe(json));
		}
		return json;
	}

	void onlyFields(JsonNode object, String... allowed) {
		Set<String> known = Set.of(allowed);
		for (String name : object.propertyNames()) {
			if (!known.contains(name)) {
				throw new IllegalArgumentException(
						"Unknown field '" + name + "': only " + String.join(", ", allowed) + " accepted");
			}
		}
	}

	static String describe(JsonNode value) {
		return switch (value.getNodeType()) {
			case STRING -> "a string";
			case NUMBER -> "the number " + value;
			case BOOLEAN -> "a boolean";
			case ARRAY -> "an array";
			case OBJECT -> "an object";
			case NULL -> "null";
			default -> "a " + value.getNodeType().name().toLowerCase();
		};
	}

	/**
	 * Declares the content-type rule for the sample's API.
	 */
	@Configuration(proxyBeanMethods = false)
	static class JsonOnlyWrites {

		@Bean
		JsonOnlyWebFilter sampleJsonOnlyWrites(JsonMapper jsonMapper) {
			return new JsonOnlyWebFilter(jsonMapper, "/api/**");
		}

	}

}
