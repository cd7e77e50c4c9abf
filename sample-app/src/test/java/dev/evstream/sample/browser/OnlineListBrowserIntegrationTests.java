package dev.evstream.sample.browser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat's online list in a real Chromium, on the client's {@code ev.presence('chat')}:
 * two pages see each other join and leave, and a channel whose presence the application
 * does not broadcast is refused. Pages are told apart by member id, which the test
 * derives from each page's connection id as the server does.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class OnlineListBrowserIntegrationTests {

	/**
	 * The online list's element of the member whose id is the script's first argument.
	 */
	private static final String ITEM = "document.querySelector('#online li[data-id=\"' + arguments[0] + '\"]')";

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Test
	void twoPagesShouldSeeEachOtherJoinAndLeaveTheChat() {
		try (Page a = openPage()) {
			String idA = memberId(a);
			a.await("page A to list itself as online", ITEM + " !== null && " + ITEM + ".classList.contains('self')",
					idA);
			String idB;
			try (Page b = openPage()) {
				idB = memberId(b);
				a.await("page A to list page B when it joined", ITEM + " !== null", idB);
				b.await("page B to list page A, which was there before", ITEM + " !== null", idA);
				b.await("page B to list itself as online",
						ITEM + " !== null && " + ITEM + ".classList.contains('self')", idB);
				assertThat(a.script("return " + ITEM + ".classList.contains('self')", idB))
					.as("page B marked as itself on page A")
					.isEqualTo(false);
				assertThat(a.script("return online.members.filter((m) => m.id === arguments[0]).length", idB))
					.as("page B listed once on page A")
					.isEqualTo(1L);
			}
			a.await("page A to drop page B once it closed",
					ITEM + " === null && !online.members.some((m) => m.id === arguments[0])", idB);
			assertThat(a.script("return " + ITEM + " !== null", idA)).as("page A still listing itself").isEqualTo(true);
			assertThat(a
				.script("return Number(document.getElementById('online-count').textContent) === online.members.length"))
				.isEqualTo(true);
		}
	}

	@Test
	void presenceOfAChannelThatIsNotBroadcastShouldBeRefused() {
		try (Page page = openPage()) {
			Object outcome = page.script(
					"return evstream.presence('counter').ready.then(() => 'ready', (e) => e.status + ' ' + e.message)");
			assertThat((String) outcome).startsWith("403 ");
			assertThat(page.script("return evstream.status")).as("the page's connection").isEqualTo("open");
		}
	}

	private Page openPage() {
		Page page = browser.open("http://127.0.0.1:" + this.port + "/");
		page.awaitOpen();
		page.await("the page's online list", "window.online !== undefined");
		return page;
	}

	/**
	 * The page's member id, as the server derives it from the connection id: the first 16
	 * characters of its SHA-256 in base64url.
	 */
	private static String memberId(Page page) {
		String connectionId = (String) page.awaitValue("the page's connection id", "return evstream.connectionId");
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(connectionId.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
