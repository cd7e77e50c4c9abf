package dev.evstream.sample.browser;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client module's pure functions, run in Chromium as the server serves the module:
 * {@code mergePatch} against RFC 7396's examples, and {@code channelToken} against the
 * Java side's channel token, which event ids carry. And, on a stream the test writes (the
 * client's {@code fetch} option), what a server is hard to make send: a presence join
 * repeated after its snapshot, a leave of someone unknown, a {@code reset} with a join
 * before its fresh snapshot, and a state's final event while a write is pending.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ClientFunctionsBrowserIntegrationTests {

	private static final String CLIENT = "/evstream/client.js";

	/**
	 * The start of a script: the module as {@code client}, in an async function that
	 * defines {@code scripted}, a {@code fetch} whose stream the script writes with
	 * {@code send(type, data)} and whose POSTs never answer (their writes end otherwise);
	 * {@code opened}, resolved once the stream was asked for; {@code requests}; and
	 * {@code until(condition)}. The script closes the function with {@code });}.
	 */
	private static final String SCRIPTED_STREAM = """
			return import(arguments[0]).then(async (client) => {
			const encoder = new TextEncoder();
			const requests = [];
			let push;
			let resolveOpened;
			const opened = new Promise((resolve) => { resolveOpened = resolve; });
			const scripted = async (url, init) => {
				requests.push({ url, method: init.method ?? 'GET' });
				if (init.method === 'POST') {
					return new Promise((resolve, reject) => init.signal?.addEventListener('abort',
						() => reject(new DOMException('aborted', 'AbortError'))));
				}
				const body = new ReadableStream({ start(controller) {
					push = (text) => controller.enqueue(encoder.encode(text));
				} });
				resolveOpened();
				return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
			};
			const send = (type, data) => push('event: ' + type + '\\ndata: ' + JSON.stringify(data) + '\\n\\n');
			const until = async (condition) => {
				while (!condition()) {
					await new Promise((resolve) => setTimeout(resolve, 5));
				}
			};
			""";

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

	@Test
	void presenceShouldKeepMembersAsASetInJoinOrder() {
		Object seen = page.script(SCRIPTED_STREAM + """
				const ev = client.connect({ url: '/scripted', fetch: scripted });
				const online = ev.presence('chat');
				const seen = [];
				online.subscribe((members) => seen.push(members.map((m) => m.principal).join(',')));
				const member = (id, principal) => ({ id, principal, joinedAt: 1764460000000 });
				await opened;
				send('connected', { connectionId: 'c1', channels: ['presence/chat'], heartbeat: 30000 });
				send('presence/chat', { op: 'snapshot', members: [member('a', 'ann'), member('b', 'bob')] });
				send('presence/chat', { op: 'join', member: member('b', 'bob') });
				send('presence/chat', { op: 'join', member: member('c', 'cy') });
				send('presence/chat', { op: 'leave', member: member('a', 'ann') });
				send('presence/chat', { op: 'leave', member: member('x', 'nobody') });
				send('reset', { channel: 'presence/chat', reason: 'history-truncated' });
				send('presence/chat', { op: 'join', member: member('d', 'dan') });
				send('presence/chat', { op: 'snapshot', members: [member('c', 'cy'), member('e', 'eve')] });
				send('presence/chat', { op: 'join', member: member('f', 'fay') });
				const ready = (await online.ready).length;
				await until(() => seen.length === 6);
				const members = online.members.map((m) => m.id + ':' + m.principal + ':' + m.joinedAt).join(' ');
				ev.close();
				return JSON.stringify({ seen, ready, members });
				});
				""", CLIENT);
		JsonNode result = JsonMapper.shared().readTree((String) seen);
		assertThat(strings(result.path("seen"))).as("the members each listener call saw")
			.containsExactly("", "ann,bob", "ann,bob,cy", "bob,cy", "cy,eve", "cy,eve,fay");
		assertThat(result.path("ready").asInt()).as("members when ready").isEqualTo(2);
		assertThat(result.path("members").stringValue())
			.isEqualTo("c:cy:1764460000000 e:eve:1764460000000 f:fay:1764460000000");
	}

	@Test
	void removedStateShouldTellItsListenersOnceAndRefuseWrites() {
		Object seen = page.script(
				SCRIPTED_STREAM
						+ """
								const ev = client.connect({ url: '/scripted', fetch: scripted });
								const room = ev.state('room');
								const seen = [];
								room.subscribe((value, previous) => seen.push(JSON.stringify([value ?? null, previous ?? null, room.removed])));
								room.subscribe(['topic'], (next) => seen.push('topic ' + JSON.stringify(next)));
								await opened;
								send('connected', { connectionId: 'c1', channels: ['room'], heartbeat: 30000 });
								send('room', { value: { topic: 'plans' }, version: 1 });
								await room.ready;
								const pending = room.update({ topic: 'later' }).then(() => 'applied', (e) => e.problem.title);
								send('room', { removed: true });
								const outcomes = [await pending,
									await room.update({ topic: 'again' }).then(() => 'applied', (e) => e.status + ' ' + e.message)];
								const posts = requests.filter((r) => r.method === 'POST').length;
								ev.close();
								return JSON.stringify({ seen, outcomes, removed: room.removed, value: room.value ?? null, posts });
								});
								""",
				CLIENT);
		JsonNode result = JsonMapper.shared().readTree((String) seen);
		assertThat(strings(result.path("seen"))).containsExactly("[{\"topic\":\"plans\"},null,false]",
				"topic {\"topic\":\"plans\"}", "[{\"topic\":\"later\"},{\"topic\":\"plans\"},false]",
				"topic {\"topic\":\"later\"}", "[null,{\"topic\":\"later\"},true]", "topic {}");
		assertThat(strings(result.path("outcomes"))).containsExactly("Removed",
				"0 State 'room' was removed: it takes no more writes");
		assertThat(result.path("removed").asBoolean()).isTrue();
		assertThat(result.path("value").isNull()).isTrue();
		assertThat(result.path("posts").asInt()).as("writes sent: only the one made before the removal").isEqualTo(1);
	}

	private static List<String> strings(JsonNode array) {
		List<String> strings = new ArrayList<>();
		array.forEach((element) -> strings.add(element.stringValue()));
		return strings;
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
