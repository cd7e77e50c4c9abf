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
 * before its fresh snapshot, and a state's final event while a write is pending. And, on
 * a faked ticket endpoint, the {@code tickets} option: a ticket before each stream
 * request, which then carries no token, refused tickets handled as refused streams, and
 * {@code close()} aborting a ticket request on its way.
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

	/**
	 * The start of a script on a server that issues connection tickets, faked by the
	 * client's {@code fetch} option: the module as {@code client}, in an async function
	 * that defines {@code ticketed}, a {@code fetch} that answers {@code POST
	 * /scripted/tickets} with the next of {@code ticketAnswers} (a status, or
	 * {@code 'hang'} for an answer that never comes; {@code 200} once they run out) and
	 * ticket {@code t1}, {@code t2}…, and a stream request with the next of
	 * {@code streamAnswers} (a status; an open stream once they run out);
	 * {@code requests}, each with its url, method, {@code Authorization},
	 * {@code Content-Type} and body; {@code aborts}, the urls of requests aborted on
	 * their way; {@code endStream()}, which ends the open stream;
	 * {@code until(condition)}. The script closes the function with {@code });}.
	 */
	private static final String TICKETED_SERVER = """
			return import(arguments[0]).then(async (client) => {
			const requests = [];
			const aborts = [];
			const ticketAnswers = [];
			const streamAnswers = [];
			let issued = 0;
			let end = null;
			const problem = (status) => new Response(JSON.stringify({ status, title: 'Refused', detail: 'refused ' + status }),
				{ status, headers: { 'Content-Type': 'application/problem+json' } });
			const hang = (url, signal) => new Promise((resolve, reject) => signal.addEventListener('abort', () => {
				aborts.push(url);
				reject(new DOMException('aborted', 'AbortError'));
			}));
			const ticketed = async (url, init) => {
				const headers = init.headers ?? {};
				requests.push({ url, method: init.method ?? 'GET', authorization: headers.Authorization ?? null,
					contentType: headers['Content-Type'] ?? null, accept: headers.Accept ?? null, body: init.body ?? null });
				if (url.startsWith('/scripted/tickets')) {
					const answer = ticketAnswers.shift() ?? 200;
					if (answer === 'hang') {
						return hang(url, init.signal);
					}
					if (answer !== 200) {
						return problem(answer);
					}
					issued++;
					return new Response(JSON.stringify({ ticket: 't' + issued, expiresInSeconds: 30 }),
						{ status: 200, headers: { 'Content-Type': 'application/json' } });
				}
				const answer = streamAnswers.shift() ?? 200;
				if (answer !== 200) {
					return problem(answer);
				}
				const body = new ReadableStream({ start(controller) {
					end = () => controller.close();
					controller.enqueue(new TextEncoder().encode('event: connected\\ndata: '
						+ JSON.stringify({ connectionId: 'c' + requests.length, channels: ['chat'], heartbeat: 30000 }) + '\\n\\n'));
				} });
				return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
			};
			const endStream = () => {
				const ending = end;
				end = null;
				ending();
			};
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

	@Test
	void ticketShouldPrecedeEachStreamRequestWhichCarriesNoToken() {
		Object seen = page.script(TICKETED_SERVER + """
				const ev = client.connect({ url: '/scripted', fetch: ticketed, token: 'secret', tickets: true,
					channels: ['chat'], backoff: { initial: 1, max: 2 } });
				await until(() => ev.status === 'open');
				endStream();
				await until(() => ev.status === 'open' && requests.length === 4);
				endStream();
				await until(() => ev.status === 'open' && requests.length === 6);
				ev.close();
				return JSON.stringify(requests);
				});
				""", CLIENT);
		JsonNode requests = JsonMapper.shared().readTree((String) seen);
		assertThat(requests).as("requests: a ticket, then the stream, for the first connection and each reconnect")
			.hasSize(6);
		for (int i = 0; i < 6; i += 2) {
			JsonNode ticket = requests.get(i);
			assertThat(ticket.path("method").stringValue()).isEqualTo("POST");
			assertThat(ticket.path("url").stringValue()).isEqualTo("/scripted/tickets");
			assertThat(ticket.path("authorization").stringValue()).as("the ticket request's token")
				.isEqualTo("Bearer secret");
			assertThat(ticket.path("contentType").stringValue()).isEqualTo("application/json");
			assertThat(ticket.path("accept").stringValue()).isEqualTo("application/json");
			assertThat(ticket.path("body").stringValue()).isEqualTo("{}");
			JsonNode stream = requests.get(i + 1);
			assertThat(stream.path("method").stringValue()).isEqualTo("GET");
			assertThat(stream.path("url").stringValue()).as("a new ticket for each stream request")
				.isEqualTo("/scripted?channel=chat&ticket=t" + (i / 2 + 1));
			assertThat(stream.path("authorization").isNull()).as("the stream request's Authorization").isTrue();
		}
	}

	@Test
	void tokenInQueryShouldNotReachAStreamRequestWithATicket() {
		Object seen = page.script(TICKETED_SERVER + """
				const ev = client.connect({ url: '/scripted?tenant=a', fetch: ticketed, token: () => 'secret',
					tokenIn: 'query', tickets: true, channels: ['chat'] });
				await until(() => ev.status === 'open');
				ev.close();
				return JSON.stringify(requests.map((r) => r.method + ' ' + r.url + ' ' + r.authorization));
				});
				""", CLIENT);
		assertThat(strings(JsonMapper.shared().readTree((String) seen))).containsExactly(
				"POST /scripted/tickets?tenant=a Bearer secret", "GET /scripted?tenant=a&channel=chat&ticket=t1 null");
	}

	/**
	 * A refused ticket request is what a refused stream request would be: the same errors
	 * for the {@code onError} listeners, the same statuses, retried or the client ended
	 * alike. Each case runs once with tickets (the ticket request refused twice) and once
	 * without (the stream request refused twice), then compares what the page saw.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 401, 403, 400, 503, 500, 429 })
	void refusedTicketShouldBeHandledAsARefusedStream(int status) {
		Object seen = page.script(TICKETED_SERVER + """
				const status = arguments[1];
				const run = async (tickets) => {
					const refused = tickets ? ticketAnswers : streamAnswers;
					refused.push(status, status);
					requests.length = 0;
					const ev = client.connect({ url: '/scripted', fetch: ticketed, tickets, channels: ['chat'],
						backoff: { initial: 1, max: 2 } });
					const errors = [];
					const statuses = [];
					ev.onError((error) => errors.push(error.name + ' ' + error.status + ' ' + error.message));
					ev.onStatus((next) => statuses.push(next));
					await until(() => ev.status === 'open' || ev.status === 'closed');
					const outcome = { errors, statuses, final: ev.status,
						ticketRequests: requests.filter((r) => r.url.startsWith('/scripted/tickets')).length,
						streamRequests: requests.filter((r) => r.method === 'GET').length };
					ev.close();
					refused.length = 0;
					return outcome;
				};
				return JSON.stringify({ tickets: await run(true), stream: await run(false) });
				});
				""", CLIENT, status);
		JsonNode result = JsonMapper.shared().readTree((String) seen);
		JsonNode tickets = result.path("tickets");
		JsonNode stream = result.path("stream");
		boolean fatal = status == 400 || status == 401 || status == 403;
		assertThat(strings(tickets.path("errors"))).as("errors reported for refused tickets")
			.isEqualTo(strings(stream.path("errors")))
			.hasSize(fatal ? 1 : 2)
			.allMatch((error) -> error.equals("EvError " + status + " refused " + status));
		assertThat(strings(tickets.path("statuses"))).as("statuses").isEqualTo(strings(stream.path("statuses")));
		assertThat(tickets.path("final").stringValue()).isEqualTo(fatal ? "closed" : "open")
			.isEqualTo(stream.path("final").stringValue());
		assertThat(tickets.path("ticketRequests").asInt()).as("ticket requests").isEqualTo(fatal ? 1 : 3);
		assertThat(tickets.path("streamRequests").asInt()).as("stream requests after refused tickets")
			.isEqualTo(fatal ? 0 : 1);
		assertThat(stream.path("streamRequests").asInt()).as("stream requests without tickets")
			.isEqualTo(fatal ? 1 : 3);
	}

	@Test
	void closeShouldAbortAPendingTicketRequest() {
		Object seen = page.script(
				TICKETED_SERVER
						+ """
								ticketAnswers.push('hang');
								const ev = client.connect({ url: '/scripted', fetch: ticketed, tickets: true, channels: ['chat'] });
								const errors = [];
								ev.onError((error) => errors.push(error.message));
								await until(() => requests.length === 1);
								ev.close();
								await until(() => aborts.length === 1);
								// a stream request would follow the ticket at once: give it the chance to show up
								await new Promise((resolve) => setTimeout(resolve, 50));
								return JSON.stringify({ aborts, errors, status: ev.status, requests: requests.map((r) => r.method + ' ' + r.url) });
								});
								""",
				CLIENT);
		JsonNode result = JsonMapper.shared().readTree((String) seen);
		assertThat(strings(result.path("aborts"))).containsExactly("/scripted/tickets");
		assertThat(strings(result.path("requests"))).containsExactly("POST /scripted/tickets");
		assertThat(strings(result.path("errors"))).isEmpty();
		assertThat(result.path("status").stringValue()).isEqualTo("closed");
	}

	@Test
	void ticketNetworkErrorShouldBeRetriedAsAFailedStreamRequest() {
		Object seen = page.script(TICKETED_SERVER + """
				let failures = 1;
				const failing = (url, init) => url.startsWith('/scripted/tickets') && failures-- > 0
					? Promise.reject(new TypeError('Failed to fetch')) : ticketed(url, init);
				const ev = client.connect({ url: '/scripted', fetch: failing, tickets: true, channels: ['chat'],
					backoff: { initial: 1, max: 2 } });
				const errors = [];
				ev.onError((error) => errors.push(error.status + ' ' + error.problem.title + ': ' + error.message));
				await until(() => ev.status === 'open');
				ev.close();
				return JSON.stringify({ errors, requests: requests.map((r) => r.method + ' ' + r.url) });
				});
				""", CLIENT);
		JsonNode result = JsonMapper.shared().readTree((String) seen);
		assertThat(strings(result.path("errors"))).containsExactly("0 Connection failed: Failed to fetch");
		assertThat(strings(result.path("requests"))).containsExactly("POST /scripted/tickets",
				"GET /scripted?channel=chat&ticket=t1");
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
