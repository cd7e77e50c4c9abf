package dev.evstream.sample.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room that ends while pages are in it, here because its time to live ran out: every
 * page in it is told by the room's final event, shows that the room was destroyed, and
 * has its writes refused, while the server answers {@code 404} for it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.rooms.ttl=3s")
class RoomExpiryBrowserIntegrationTests {

	private static final String TOLD = "window.room && room.removed === true"
			+ " && document.getElementById('room-status').textContent === 'this room was destroyed'"
			+ " && document.getElementById('room-topic').disabled";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Test
	void expiredRoomShouldTellEveryPageInItAndRefuseTheirWrites() throws Exception {
		try (Page a = openPage(); Page b = openPage()) {
			String key = RoomBrowserIntegrationTests.createRoom(a);
			a.script(
					"window.told = []; room.subscribe((value) => told.push(value === undefined ? 'removed' : 'value'));");
			RoomBrowserIntegrationTests.joinRoom(b, key);
			a.await("page A to be told that the room ended", TOLD);
			b.await("page B to be told that the room ended", TOLD);
			assertThat(a.script("return told.filter((t) => t === 'removed').length"))
				.as("page A's listener told of the removal once")
				.isEqualTo(1L);
			Object refused = b.script("return room.update({ topic: 'late' })"
					+ ".then(() => 'applied', (e) => e.status + ' ' + e.problem.title + ': ' + e.message)");
			assertThat((String) refused).startsWith("0 Removed: ").contains(key);
			assertThat(b.script("return room.value === undefined")).isEqualTo(true);
			HttpResponse<String> gone = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/rooms/" + key)).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(gone.statusCode()).isEqualTo(404);
		}
	}

	private Page openPage() {
		Page page = browser.open("http://127.0.0.1:" + this.port + "/");
		page.awaitOpen();
		return page;
	}

}
