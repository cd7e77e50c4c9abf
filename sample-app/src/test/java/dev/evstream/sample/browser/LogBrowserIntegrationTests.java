package dev.evstream.sample.browser;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLog;
import dev.evstream.sample.ClaimableCounter.Counter;
import dev.evstream.test.net.TcpProxy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page's claimable counter in a real Chromium, on the client's event logs: two
 * users, each on a page of their own (tokens of {@code SAMPLE_TOKENS}, named
 * {@code user-1} and {@code user-2}). While one holds the claim, the other's increment
 * shows on its page at once, is invalidated by the server and leaves that page again; the
 * claimer's increments are accepted and shown on both pages; once released, the other
 * user may increment again.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sample.tokens=" + LogBrowserIntegrationTests.ANN + "," + LogBrowserIntegrationTests.BOB)
class LogBrowserIntegrationTests {

	static final String ANN = "log-test-token-1";

	static final String BOB = "log-test-token-2";

	private static final String USER_1 = "user-1";

	private static final String USER_2 = "user-2";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvLog<Counter> counter;

	@BeforeEach
	void releaseTheCounter() {
		Counter state = state();
		if (state.claim() != null) {
			this.counter.append("release", null, EvPrincipal.of(state.claim())).block(Browser.TIMEOUT);
		}
	}

	@Test
	void claimShouldKeepTheOtherUsersIncrementsOutUntilReleased() {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.port);
				Page ann = openPage(this.port, ANN);
				Page bob = openPage(proxy.port(), BOB)) {
			int start = state().counter();
			awaitShown(ann, start, "no one");
			awaitShown(bob, start, "no one");
			// bob's page hears nothing while ann claims: it still sees the counter free
			proxy.stall();
			ann.click("log-claim");
			awaitShown(ann, start, USER_1);
			assertThat(state()).isEqualTo(new Counter(start, USER_1));
			Object shownAtOnce = bob.script("window.refused = counterLog.dispatch('increment', 1)"
					+ ".then(() => 'accepted', (error) => JSON.stringify({ status: error.status, detail: error.problem.detail }));"
					+ " return [counterLog.state.counter, document.getElementById('log-counter').textContent].join();");
			assertThat(shownAtOnce).as("bob's increment on his page before the server answered")
				.isEqualTo((start + 1) + "," + (start + 1));
			proxy.restore();
			JsonNode refusal = json(bob.script("return refused"));
			assertThat(refusal.path("status").asInt()).isEqualTo(422);
			assertThat(refusal.path("detail").asString()).isEqualTo("claimed by someone else");
			awaitShown(bob, start, USER_1);
			assertThat(bob.script("return counterLog.confirmed.counter")).isEqualTo((long) start);
			assertThat(state()).isEqualTo(new Counter(start, USER_1));

			ann.click("log-increment");
			ann.click("log-increment");
			awaitShown(ann, start + 2, USER_1);
			awaitShown(bob, start + 2, USER_1);
			assertThat(state()).isEqualTo(new Counter(start + 2, USER_1));

			ann.click("log-release");
			awaitShown(ann, start + 2, "no one");
			awaitShown(bob, start + 2, "no one");
			bob.click("log-increment");
			awaitShown(bob, start + 3, "no one");
			awaitShown(ann, start + 3, "no one");
			assertThat(state()).isEqualTo(new Counter(start + 3, null));
			assertThat(ann.text("error")).isEmpty();
			assertThat(bob.text("error")).isEmpty();
		}
	}

	@Test
	void invalidateShouldTakeTheEventOutBeforeThePostIsAnswered() {
		try (Page bob = openPage(this.port, BOB)) {
			this.counter.append("claim", null, EvPrincipal.of(USER_1)).block(Browser.TIMEOUT);
			int start = state().counter();
			awaitShown(bob, start, USER_1);
			// a client of its own whose reducers let every increment show, and which
			// holds
			// back the answers to its POSTs: a 422 can only come from the stream's
			// invalidate
			Object outcome = bob.script("return import('/evstream/client.js').then(({ connect }) => {"
					+ " const held = [];" + " const fetch = (input, init) => init?.method === 'POST'"
					+ "   ? globalThis.fetch(input, init).then((response) => new Promise((resolve) => held.push(() => resolve(response))))"
					+ "   : globalThis.fetch(input, init);"
					+ " const ev = connect({ url: '/evstream', token: arguments[0], fetch });"
					+ " const log = ev.log('claimable-counter', { dispatcher: arguments[1],"
					+ "   reducers: { increment: (state, dispatcher, amount) => ({ ...state, counter: state.counter + amount }) } });"
					+ " const seen = []; log.subscribe((state) => seen.push(state.counter));"
					+ " return log.ready.then(() => log.dispatch('increment', 1))"
					+ "   .then(() => 'accepted', (error) => { const result = JSON.stringify({ status: error.status,"
					+ "     detail: error.problem.detail, shown: log.state.counter, seen });"
					+ "     held.forEach((release) => release()); ev.close(); return result; });" + " });", BOB,
					USER_2);
			JsonNode refusal = json(outcome);
			assertThat(refusal.path("status").asInt()).isEqualTo(422);
			assertThat(refusal.path("detail").asString()).isEqualTo("claimed by someone else");
			assertThat(refusal.path("shown").asInt()).isEqualTo(start);
			assertThat(refusal.path("seen").toString()).as("counter shown before, during and after the event")
				.isEqualTo("[" + start + "," + (start + 1) + "," + start + "]");
			assertThat(state()).isEqualTo(new Counter(start, USER_1));
		}
	}

	private static Page openPage(int port, String token) {
		Page page = browser.open("http://127.0.0.1:" + port + "/?token=" + token);
		page.awaitOpen();
		page.awaitValue("the claimable counter's history",
				"return window.counterLog ? counterLog.ready.then(() => true) : null;");
		return page;
	}

	private static void awaitShown(Page page, int counter, String claimedBy) {
		page.await("the page to show " + counter + " claimed by " + claimedBy,
				"document.getElementById('log-counter').textContent === String(arguments[0])"
						+ " && document.getElementById('log-claimed-by').textContent === arguments[1]",
				counter, claimedBy);
	}

	private Counter state() {
		return this.counter.state().block(Browser.TIMEOUT);
	}

	private static JsonNode json(Object text) {
		return JsonMapper.shared().readTree((String) text);
	}

}
