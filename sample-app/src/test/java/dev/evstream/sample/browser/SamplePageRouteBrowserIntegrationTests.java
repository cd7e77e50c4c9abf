package dev.evstream.sample.browser;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.EvState;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.store.TicketStore;
import dev.evstream.test.SseTestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page in a real Chromium on a server with {@code evstream.transport=route}:
 * the sample's (open) {@code SecurityWebFilterChain} makes the route require connection
 * tickets, the page learns from {@code /api/client-options} to ask for them, and a
 * counter incremented on one page shows on another. The server's ticket store counts the
 * tickets the route redeemed, which is how the test knows the pages' streams carried
 * them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.transport=route")
class SamplePageRouteBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final BrowserExtension browser = new BrowserExtension();

	@LocalServerPort
	int port;

	@Autowired
	EvState<Integer> counter;

	@Autowired
	RecordingTicketStore tickets;

	@Test
	void streamWithoutTicketShouldBeRefused() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=counter")) {
			assertThat(client.status()).isEqualTo(401);
			assertThat(JsonMapper.shared().readTree(client.awaitBody(TIMEOUT)).path("detail").stringValue())
				.startsWith("A connection ticket is required");
		}
	}

	@Test
	void incrementOnOnePageShouldShowOnTheOtherThroughTicketedStreams() {
		int redeemedBefore = this.tickets.redeemed.size();
		try (Page a = openPage(); Page b = openPage()) {
			assertThat(this.tickets.redeemed.subList(redeemedBefore, this.tickets.redeemed.size()))
				.as("tickets the route redeemed for the two pages' streams")
				.hasSize(2)
				.allMatch((ticket) -> ticket.matches("[A-Za-z0-9_-]{22}"))
				.doesNotHaveDuplicates();
			assertThat(a.script("return performance.getEntriesByType('resource')"
					+ ".filter((e) => e.name.endsWith('/evstream/tickets')).length"))
				.as("ticket requests page A made")
				.isEqualTo(1L);
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
			assertThat(b.text("status")).isEqualTo("live");
		}
	}

	private Page openPage() {
		Page page = browser.open("http://127.0.0.1:" + this.port + "/");
		page.awaitOpen();
		return page;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TicketRecording {

		@Bean
		RecordingTicketStore recordingTicketStore(Backend backend) {
			return new RecordingTicketStore(backend.ticketStore());
		}

		@Bean
		EvConnectionTickets evstreamConnectionTickets(RecordingTicketStore store) {
			return new EvConnectionTickets(store);
		}

	}

	/**
	 * The backend's ticket store, keeping each ticket redeemed.
	 */
	static final class RecordingTicketStore implements TicketStore {

		private final TicketStore store;

		final List<String> redeemed = new CopyOnWriteArrayList<>();

		RecordingTicketStore(TicketStore store) {
			this.store = store;
		}

		@Override
		public @Nullable Duration timeout() {
			return this.store.timeout();
		}

		@Override
		public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
			return this.store.put(ticket, value, timeToLive);
		}

		@Override
		public Mono<String> take(String ticket) {
			return this.store.take(ticket).doOnNext((principal) -> this.redeemed.add(ticket));
		}

	}

}
