package dev.evstream.sample.browser;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client module's pure functions, run in Chromium as the server serves the module:
 * {@code mergePatch} against RFC 7396's examples, and {@code channelToken} against the
 * Java side's channel token, which event ids carry.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ClientFunctionsBrowserIntegrationTests {

	private static final String CLIENT = "/evstream/client.js";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	private static Page page;

	@LocalServerPort
	int port;

	@BeforeEach
	void openPage() {
		if (page == null) {
			// any page of the server's origin can import the module
			page = browser.open("http://127.0.0.1:" + this.port + "/api/counter");
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			// RFC 7396, appendix A
			"{\"a\":\"b\"}|{\"a\":\"c\"}|{\"a\":\"c\"}", "{\"a\":\"b\"}|{\"b\":\"c\"}|{\"a\":\"b\",\"b\":\"c\"}",
			"{\"a\":\"b\"}|{\"a\":null}|{}", "{\"a\":\"b\",\"b\":\"c\"}|{\"a\":null}|{\"b\":\"c\"}",
			"{\"a\":[\"b\"]}|{\"a\":\"c\"}|{\"a\":\"c\"}", "{\"a\":\"c\"}|{\"a\":[\"b\"]}|{\"a\":[\"b\"]}",
			"{\"a\":{\"b\":\"c\"}}|{\"a\":{\"b\":\"d\",\"c\":null}}|{\"a\":{\"b\":\"d\"}}",
			"{\"a\":[{\"b\":\"c\"}]}|{\"a\":[1]}|{\"a\":[1]}", "[\"a\",\"b\"]|[\"c\",\"d\"]|[\"c\",\"d\"]",
			"{\"a\":\"b\"}|[\"c\"]|[\"c\"]", "{\"a\":\"foo\"}|null|null", "{\"a\":\"foo\"}|\"bar\"|\"bar\"",
			"{\"e\":null}|{\"a\":1}|{\"e\":null,\"a\":1}", "[1,2]|{\"a\":\"b\",\"c\":null}|{\"a\":\"b\"}",
			"{}|{\"a\":{\"bb\":{\"ccc\":null}}}|{\"a\":{\"bb\":{}}}",
			// nested objects merge, arrays replace as a whole
			"{\"title\":\"t\",\"meta\":{\"tags\":[1,2],\"by\":\"ann\"}}|{\"meta\":{\"tags\":[3]}}|{\"title\":\"t\",\"meta\":{\"tags\":[3],\"by\":\"ann\"}}",
			"7|{\"a\":1}|{\"a\":1}", "{\"a\":1}|7|7" })
	void mergePatchShouldFollowRfc7396(String target, String patch, String expected) {
		Object result = page.script(
				"return import(arguments[0]).then((client) => JSON.stringify("
						+ "client.mergePatch(JSON.parse(arguments[1]), JSON.parse(arguments[2]))))",
				CLIENT, target, patch);
		assertThat(JsonMapper.shared().readTree((String) result)).isEqualTo(JsonMapper.shared().readTree(expected));
	}

	@ParameterizedTest
	@ValueSource(strings = { "chat", "counter", "shared-form", "extra", "a", "Aa", "BB", "ünïcödé", "emoji-😀-x",
			"a.rather:long_channel-name.that/overflows.the.hash.several.times.0123456789" })
	void channelTokenShouldEqualTheServersToken(String channel) {
		Object token = page.script("return import(arguments[0]).then((client) => client.channelToken(arguments[1]))",
				CLIENT, channel);
		assertThat(token).isEqualTo(javaToken(channel));
	}

	/**
	 * The server's channel token ({@code EventIds.token}, package-private in core), by
	 * the same steps: murmur3's finalizer over {@link String#hashCode()}, unsigned, base
	 * 36.
	 */
	private static String javaToken(String name) {
		int h = name.hashCode();
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return Long.toString(h & 0xffffffffL, 36);
	}

}
