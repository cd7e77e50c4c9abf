package dev.evstream.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStateOptions;
import dev.evstream.core.EvStateUpdateRefusedException;
import dev.evstream.core.auth.EvPrincipal;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared form of the sample page: state {@code shared-form}, {@code {"title": "…",
 * "notes": "…"}}, which pages edit field by field with JSON merge patches sent to
 * {@code POST /evstream/states/shared-form}. Its interceptor accepts only those two
 * fields, as strings, a title of at most {@value #MAX_TITLE} characters and notes of at
 * most {@value #MAX_NOTES}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
class SharedFormState {

	static final String KEY = "shared-form";

	static final int MAX_TITLE = 80;

	static final int MAX_NOTES = 2000;

	private static final Set<String> FIELDS = Set.of("title", "notes");

	@Bean
	EvState<Map<String, String>> sharedForm(EvStateManager states) {
		Map<String, String> initial = new LinkedHashMap<>();
		initial.put("title", "");
		initial.put("notes", "");
		EvStateOptions options = EvStateOptions.defaults()
			.withClientWrites()
			.interceptStateUpdate(SharedFormState::check);
		return states.createStateBlocking(KEY, new TypeReference<Map<String, String>>() {
		}, initial, options);
	}

	static JsonNode check(JsonNode patch, EvPrincipal principal) {
		if (!patch.isObject()) {
			throw new EvStateUpdateRefusedException("The form takes an object with 'title' and 'notes'");
		}
		for (Map.Entry<String, JsonNode> field : patch.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			if (!FIELDS.contains(name)) {
				throw new EvStateUpdateRefusedException(
						"The form has no field '" + name + "': only 'title' and 'notes'");
			}
			if (!value.isString()) {
				throw new EvStateUpdateRefusedException("'" + name + "' must be a string");
			}
			int max = name.equals("title") ? MAX_TITLE : MAX_NOTES;
			if (value.stringValue().length() > max) {
				throw new EvStateUpdateRefusedException("'" + name + "' must be at most " + max
						+ " characters, but has " + value.stringValue().length());
			}
		}
		return patch;
	}

}
