package dev.evstream.sample.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.evstream.core.EvStreamManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample page's rooms in a real Chromium: a room created from one page, joined from
 * another by its generated key, shares its topic, lives while a page is in it, and
 * destroys itself when its last page leaves, after which reading or writing it answers a
 * clear {@code 404}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class RoomBrowserIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void roomShouldDestroyItselfWhenItsLastPageLeaves() throws Exception {
		try (Page a = openPage()) {
			String key = createRoom(a);
			try (Page b = openPage()) {
				joinRoom(b, key);
				a.type("room-topic", "plans");
				b.await("page B to show the topic page A wrote",
						"document.getElementById('room-topic').value === 'plans'");
			}
			// page B closed: page A is still in the room, which stays
			await().atMost(Browser.TIMEOUT).until(() -> this.streams.listenerCount(key) == 1);
			HttpResponse<String> stillThere = get("/api/rooms/" + key);
			assertThat(stillThere.statusCode()).isEqualTo(200);
			assertThat(json(stillThere.body()).at("/value/topic").stringValue()).isEqualTo("plans");
			a.click("room-leave");
			a.await("page A out of the room", "window.room === null"
					+ " && document.getElementById('room-status').textContent === 'not in a room'");
			await("the room to destroy itself once its last page left").atMost(Browser.TIMEOUT)
				.until(() -> get("/api/rooms/" + key).statusCode() == 404);
			HttpResponse<String> gone = get("/api/rooms/" + key);
			assertThat(gone.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(json(gone.body()).path("detail").stringValue()).contains(key).contains("does not exist");
			HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(uri("/evstream/states/" + key))
				.header("Content-Type", "application/merge-patch+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"late\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(write.statusCode()).isEqualTo(404);
			assertThat(json(write.body()).path("detail").stringValue()).contains(key);
		}
	}

	@Test
	void roomJoinedAgainAfterItWasDestroyedShouldNotComeBack() throws Exception {
		try (Page page = openPage()) {
			String key = createRoom(page);
			page.click("room-leave");
			await("the room to destroy itself").atMost(Browser.TIMEOUT)
				.until(() -> get("/api/rooms/" + key).statusCode() == 404);
			joinRoom(page, key, false);
			Object outcome = page.script("return room.update({ topic: 'again' })"
					+ ".then(() => 'applied', (e) => e.status + ' ' + e.message)");
			assertThat((String) outcome).startsWith("404 ").contains(key);
			assertThat(get("/api/rooms/" + key).statusCode()).isEqualTo(404);
		}
	}

	private Page openPage() {
		Page page = browser.open("http://127.0.0.1:" + this.port + "/");
		page.awaitOpen();
		return page;
	}

	/** Creates a room with the page's button; the page joins it. */
	static String createRoom(Page page) {
		page.click("room-create");
		String key = (String) page.awaitValue("the page to join its new room",
				"return window.room && room.value !== undefined ? room.key : null");
		page.await("the page to show it is in the room",
				"document.getElementById('room-status').textContent === 'in the room'");
		assertThat(page.text("room-key")).isEqualTo("(" + key + ")");
		return key;
	}

	static void joinRoom(Page page, String key) {
		joinRoom(page, key, true);
	}

	private static void joinRoom(Page page, String key, boolean exists) {
		page.script("document.getElementById('room-join-key').value = arguments[0];"
				+ " document.getElementById('room-join').requestSubmit();", key);
		page.await("the page to listen to the room", "window.room && room.key === arguments[0]", key);
		if (exists) {
			page.await("the page to show it is in the room",
					"room.value !== undefined && document.getElementById('room-status').textContent === 'in the room'");
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static JsonNode json(String body) {
		return JsonMapper.shared().readTree(body);
	}

}
