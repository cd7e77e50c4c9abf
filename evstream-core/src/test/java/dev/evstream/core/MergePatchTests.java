package dev.evstream.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of RFC 7396, appendix A, and the cases clients rely on.
 */
class MergePatchTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@ParameterizedTest(name = "{0} + {1} = {2}")
	@CsvSource(delimiter = '|', textBlock = """
			{"a":"b"}              | {"a":"c"}            | {"a":"c"}
			{"a":"b"}              | {"b":"c"}            | {"a":"b","b":"c"}
			{"a":"b"}              | {"a":null}           | {}
			{"a":"b","b":"c"}      | {"a":null}           | {"b":"c"}
			{"a":["b"]}            | {"a":"c"}            | {"a":"c"}
			{"a":"c"}              | {"a":["b"]}          | {"a":["b"]}
			{"a":{"b":"c"}}        | {"a":{"b":"d","c":null}} | {"a":{"b":"d"}}
			{"a":[{"b":"c"}]}      | {"a":[1]}            | {"a":[1]}
			["a","b"]              | ["c","d"]            | ["c","d"]
			{"a":"b"}              | ["c"]                | ["c"]
			{"a":"foo"}            | null                 | null
			{"a":"foo"}            | "bar"                | "bar"
			{"e":null}             | {"a":1}              | {"e":null,"a":1}
			[1,2]                  | {"a":"b","c":null}   | {"a":"b"}
			{}                     | {"a":{"bb":{"ccc":null}}} | {"a":{"bb":{}}}
			{"title":"x","tags":[1,2]} | {"tags":[3]}     | {"title":"x","tags":[3]}
			""")
	void applyShouldFollowRfc7396(String target, String patch, String expected) {
		JsonNode targetTree = json.readTree(target);
		JsonNode before = targetTree.deepCopy();
		assertThat(MergePatch.apply(targetTree, json.readTree(patch))).isEqualTo(json.readTree(expected));
		assertThat(targetTree).as("the target is left as it was").isEqualTo(before);
	}

}
