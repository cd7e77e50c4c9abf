package dev.evstream.sample.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStreamManager;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample page in a real Chromium, on the evstream client: the counter, the shared
 * form written field by field from two pages, a refused write rolled back, a channel
 * added without reconnecting.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SamplePageBrowserIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvState<Integer> counter;

	@Autowired
	EvStreamManager streams;

	@Test
	void pageShouldShowTheCounter() {
		try (Page page = openPage()) {
			String value = String.valueOf(this.counter.get());
			page.await("the counter to show " + value,
					"document.getElementById('counter').textContent === arguments[0]", value);
			assertThat(page.text("status")).isEqualTo("live");
		}
	}

	@Test
	void incrementOnOnePageShouldShowOnBoth() {
		try (Page a = openPage(); Page b = openPage()) {
			String before = String.valueOf(this.counter.get());
			a.await("page A to show the counter", "document.getElementById('counter').textContent === arguments[0]",
					before);
			b.await("page B to show the counter", "document.getElementById('counter').textContent === arguments[0]",
					before);
			a.click("increment");
			String after = String.valueOf(Integer.parseInt(before) + 1);
			b.await("page B to show the incremented counter",
					"document.getElementById('counter').textContent === arguments[0]", after);
			a.await("page A to show the incremented counter",
					"document.getElementById('counter').textContent === arguments[0]", after);
			assertThat(this.counter.get()).isEqualTo(Integer.parseInt(after));
		}
	}

	@Test
	void titleTypedOnOnePageShouldShowOnTheOther() {
		try (Page a = openFormPage(); Page b = openFormPage()) {
			String title = "title " + unique();
			a.type("title", title);
			b.await("page B to show the title typed on page A",
					"document.getElementById('title').value === arguments[0]", title);
			assertThat(a.text("title")).isEqualTo(title);
			assertThat(a.text("error")).isEmpty();
		}
	}

	@Test
	void refusedTitleShouldRollBackOnItsPageAndNeverReachTheOther() throws Exception {
		try (Page a = openFormPage(); Page b = openFormPage()) {
			String before = "before " + unique();
			a.type("title", before);
			b.await("page B to show page A's title", "document.getElementById('title').value === arguments[0]", before);
			b.script("window.seenTitles = [];"
					+ " evstream.state('shared-form').subscribe(['title'], (next) => seenTitles.push(next.title));");
			String tooLong = "x".repeat(81);
			String detail = refusal("{\"title\":\"" + tooLong + "\"}");
			a.type("title", tooLong);
			a.await("page A to roll the refused title back and show why",
					"document.getElementById('title').value === arguments[0]"
							+ " && document.getElementById('error').textContent === arguments[1]",
					before, detail);
			assertThat(a.script("return evstream.state('shared-form').value.title")).isEqualTo(before);
			// a later write reaches page B, so the refused one would have by then
			String after = "after " + unique();
			a.type("title", after);
			b.await("page B to show page A's next title", "document.getElementById('title').value === arguments[0]",
					after);
			assertThat(b.script("return seenTitles")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.contains(after)
				.doesNotContain(tooLong);
			assertThat(a.text("error")).isEmpty();
		}
	}

	@Test
	void propertyListenersShouldFireOnlyForTheirProperties() {
		try (Page a = openFormPage(); Page b = openFormPage()) {
			a.script("window.calls = { title: 0, notes: 0 };" + " const form = evstream.state('shared-form');"
					+ " form.subscribe(['title'], () => calls.title++);"
					+ " form.subscribe(['notes'], () => calls.notes++);");
			String notes = "notes " + unique();
			b.type("notes", notes);
			a.await("page A's notes listener to hear page B's notes",
					"calls.notes > 0 && document.getElementById('notes').value === arguments[0]", notes);
			assertThat(a.script("return calls.title")).isEqualTo(0L);
			Object notesCalls = a.script("return calls.notes");
			String title = "title " + unique();
			b.type("title", title);
			a.await("page A's title listener to hear page B's title",
					"calls.title > 0 && document.getElementById('title').value === arguments[0]", title);
			assertThat(a.script("return calls.notes")).isEqualTo(notesCalls);
		}
	}

	@Test
	void channelAddedWhenOpenShouldArriveWithoutReconnecting() {
		try (Page page = openPage()) {
			String connectionId = (String) page.script("return evstream.connectionId");
			assertThat(connectionId).isNotBlank();
			page.script("window.statuses = []; evstream.onStatus((status) => statuses.push(status));"
					+ " window.extra = [];");
			String channel = "extra-" + unique();
			page.script("evstream.channel(arguments[0]).on('ping', (data) => extra.push(data));", channel);
			await().atMost(Browser.TIMEOUT).until(() -> this.streams.listenerCount(channel) == 1);
			this.streams.send(channel, EvMessage.of("ping", Map.of("n", 1))).block(Browser.TIMEOUT);
			page.await("the message sent to the added channel", "extra.length === 1 && extra[0].n === 1");
			assertThat(page.script("return evstream.connectionId")).as("the connection id after adding a channel")
				.isEqualTo(connectionId);
			// a listener may hear the current status when added: only changes count
			assertThat(page.script("return statuses.filter((status) => status !== 'open')"))
				.as("status changes after adding a channel")
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.isEmpty();
			assertThat(page.script("return evstream.status")).isEqualTo("open");
		}
	}

	private Page openPage() {
		Page page = browser.open("http://127.0.0.1:" + this.port + "/");
		page.awaitOpen();
		return page;
	}

	private Page openFormPage() {
		Page page = openPage();
		page.await("the shared form's snapshot on the page", "evstream.state('shared-form').version != null"
				+ " && document.getElementById('title').value === (evstream.state('shared-form').value.title ?? '')");
		return page;
	}

	/**
	 * Asks the server directly for the problem detail of a write it refuses, as the page
	 * should show it. A refused write changes nothing.
	 */
	private String refusal(String patch) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/evstream/states/shared-form"))
			.timeout(Browser.TIMEOUT)
			.header("Content-Type", "application/merge-patch+json")
			.POST(HttpRequest.BodyPublishers.ofString(patch))
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		String detail = JsonMapper.shared().readTree(response.body()).path("detail").asString();
		assertThat(detail).isNotBlank();
		return detail;
	}

	private static String unique() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
