package dev.evstream.sample.browser;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.net.TcpProxy;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page reaches the server through a {@link TcpProxy} that cuts every
 * connection while chat messages are being sent: the client resumes from the last event
 * it received, so the page ends with every message once, in order.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SamplePageNetworkCutBrowserIntegrationTests {

	private static final int CUTS = 3;

	private static final int BURST = 60;

	private static final int MESSAGES = (CUTS + 1) * BURST;

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void cutsWhileMessagesAreSentShouldLoseNothingAndRepeatNothing() throws Exception {
		String user = "cut-" + UUID.randomUUID().toString().substring(0, 8);
		ExecutorService sender = Executors.newSingleThreadExecutor();
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.port);
				Page page = browser.open("http://127.0.0.1:" + proxy.port() + "/")) {
			page.awaitOpen();
			page.script("window.connections = new Set([evstream.connectionId]);"
					+ " evstream.onStatus((status) => { if (status === 'open') connections.add(evstream.connectionId); });");
			String received = "[...document.querySelectorAll('#messages li')]"
					+ ".filter((item) => item.textContent.startsWith(arguments[0] + ': ')).length";
			for (int cut = 0; cut < CUTS; cut++) {
				int first = cut * BURST + 1;
				Future<?> burst = sender.submit(() -> send(user, first, first + BURST - 1));
				// cut mid-burst: some messages shown, some on the wire, some not yet sent
				page.await("the burst to start arriving", received + " >= arguments[1]", user, first);
				proxy.cut();
				burst.get(Browser.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				page.await("the client to notice the cut", "evstream.status !== 'open'");
				proxy.restore();
				page.awaitOpen();
			}
			send(user, CUTS * BURST + 1, MESSAGES);
			page.await("the last message", "[...document.querySelectorAll('#messages li')]"
					+ ".some((item) => item.textContent === arguments[0])", user + ": " + MESSAGES);
			Object shown = page.script("return [...document.querySelectorAll('#messages li')]"
					+ ".map((item) => item.textContent).filter((text) => text.startsWith(arguments[0] + ': ') "
					+ "|| text.startsWith('some messages'))", user);
			List<String> expected = IntStream.rangeClosed(1, MESSAGES).mapToObj((n) -> user + ": " + n).toList();
			assertThat(shown).as("the page's messages, and reset notices if any")
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.containsExactlyElementsOf(expected);
			assertThat(page.script("return connections.size")).as("connections, one more per cut").isEqualTo(CUTS + 1L);
		}
		finally {
			sender.shutdownNow();
		}
	}

	/**
	 * Sends numbered messages a few milliseconds apart, so that a cut falls among them.
	 */
	private void send(String user, int from, int to) {
		for (int n = from; n <= to; n++) {
			this.streams.send("chat", EvMessage.of("chat", Map.of("user", user, "text", Integer.toString(n))))
				.block(Browser.TIMEOUT);
			try {
				Thread.sleep(3);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
