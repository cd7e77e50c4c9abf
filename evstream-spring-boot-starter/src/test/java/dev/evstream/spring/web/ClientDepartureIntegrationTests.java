package dev.evstream.spring.web;

import java.net.Socket;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.memory.InMemoryChannelHistory;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.TicketStore;
import dev.evstream.test.ClientChurn;
import dev.evstream.test.SseTestClient;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that go away at every stage of opening a stream, over real sockets: each time,
 * the slot, the listeners and the channels come back, and every slot can be used again.
 */
@SpringBootTest(classes = { TestApplication.class, ClientDepartureIntegrationTests.Gates.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.max-connections=50", "evstream.connection.claim-timeout=1s" })
class ClientDepartureIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	Gates gates;

	@AfterEach
	void openGates() {
		this.gates.openAll();
	}

	@Test
	void clientLeavingDuringAuthenticationShouldHoldNothing() throws Exception {
		leaveAt(this.gates.authentication);
	}

	@Test
	void clientLeavingDuringAuthorizationShouldHoldNothing() throws Exception {
		leaveAt(this.gates.authorization);
	}

	@Test
	void clientLeavingWhileItsChannelsArePositionedShouldHoldNothing() throws Exception {
		leaveAt(this.gates.history);
	}

	@Test
	void clientLeavingBetweenConnectAndFirstWriteShouldHoldNothing() throws Exception {
		leaveAt(this.gates.firstWrite);
	}

	@Test
	void fiveThousandClientsLeavingAtRandomInstantsShouldLeaveNothingBehind() {
		ClientChurn.run("localhost", this.port, "/evstream?token=t", 500, 50, Duration.ofMinutes(2));
		assertReleased();
		long before = heapAfterGc();
		ClientChurn.run("localhost", this.port, "/evstream?token=t", 5000, 50, Duration.ofMinutes(5));
		assertReleased();
		assertThat(this.gates.histories().channelCount()).as("channel histories").isZero();
		long after = heapAfterGc();
		System.out.printf("Heap after GC before and after 5,000 clients: %d and %d bytes%n", before, after);
		// about 80,000 channel names: their histories alone used to keep some 20 MB
		assertThat(after - before).as("heap growth in bytes").isLessThan(before / 20 + 2 * 1024 * 1024);
		assertEverySlotUsable();
	}

	private static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * Opens a stream and goes away while it waits at the gate, then lets the server go
	 * on.
	 */
	private void leaveAt(Gate gate) throws Exception {
		gate.close();
		try (Socket socket = ClientChurn.request("localhost", this.port,
				"/evstream?token=t&" + ClientChurn.randomChannels(3), null)) {
			assertThat(gate.awaitReached(TIMEOUT)).as("request reached the gate").isTrue();
			socket.setSoLinger(true, 0);
		}
		gate.open();
		assertReleased();
		assertEverySlotUsable();
	}

	private void assertReleased() {
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.streams.connectionCount()).as("open connections").isZero());
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.streams.channelCount()).as("channels in use").isZero());
		assertThat(this.streams.listenerCounts()).isEmpty();
	}

	private void assertEverySlotUsable() {
		List<SseTestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				clients.add(SseTestClient.get(this.port, "/evstream?channel=slot" + i + "&token=t"));
			}
			for (SseTestClient client : clients) {
				assertThat(client.status()).isEqualTo(200);
				client.awaitEvent("connected", TIMEOUT);
			}
			assertThat(this.streams.connectionCount()).isEqualTo(50);
		}
		finally {
			clients.forEach(SseTestClient::close);
		}
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0);
	}

	/**
	 * A point in opening a stream where a test can hold the server.
	 */
	static final class Gate {

		private volatile Sinks.@Nullable Empty<Void> closed;

		private volatile CountDownLatch reached = new CountDownLatch(1);

		void close() {
			this.reached = new CountDownLatch(1);
			this.closed = Sinks.empty();
		}

		void open() {
			Sinks.Empty<Void> gate = this.closed;
			this.closed = null;
			if (gate != null) {
				gate.tryEmitEmpty();
			}
		}

		boolean awaitReached(Duration timeout) throws InterruptedException {
			return this.reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

		<T> Mono<T> pass(Mono<T> then) {
			return Mono.defer(() -> {
				Sinks.Empty<Void> gate = this.closed;
				if (gate == null) {
					return then;
				}
				this.reached.countDown();
				return gate.asMono().then(then);
			});
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Gates {

		final Gate authentication = new Gate();

		final Gate authorization = new Gate();

		final Gate history = new Gate();

		final Gate firstWrite = new Gate();

		void openAll() {
			List.of(this.authentication, this.authorization, this.history, this.firstWrite).forEach(Gate::open);
		}

		@Bean
		Authenticator gatedAuthenticator() {
			return (token) -> this.authentication.pass(Mono.just(EvPrincipal.of("user-" + token)));
		}

		@Bean
		ChannelAuthorizer gatedAuthorizer() {
			return (principal, channel) -> this.authorization.pass(Mono.just(true));
		}

		private final InMemoryBackend memory = new InMemoryBackend();

		InMemoryChannelHistory histories() {
			return this.memory.channelHistory();
		}

		@Bean
		Backend gatedBackend() {
			InMemoryChannelHistory delegate = this.memory.channelHistory();
			ChannelHistory gated = new ChannelHistory() {

				@Override
				public Mono<Long> append(String channel, @Nullable String event, String data) {
					return delegate.append(channel, event, data);
				}

				@Override
				public Mono<HistorySlice> readAfter(String channel, long afterSequence) {
					return Gates.this.history.pass(delegate.readAfter(channel, afterSequence));
				}

				@Override
				public Mono<Long> head(String channel) {
					return Gates.this.history.pass(delegate.head(channel));
				}

			};
			return new Backend() {

				@Override
				public EventBus bus() {
					return Gates.this.memory.bus();
				}

				@Override
				public StateStore stateStore() {
					return Gates.this.memory.stateStore();
				}

				@Override
				public ChannelHistory channelHistory() {
					return gated;
				}

				@Override
				public CollectionStore collectionStore() {
					return Gates.this.memory.collectionStore();
				}

				@Override
				public LogStore logStore() {
					return Gates.this.memory.logStore();
				}

				@Override
				public OperationStore operationStore() {
					return Gates.this.memory.operationStore();
				}

				@Override
				public PresenceStore presenceStore() {
					return Gates.this.memory.presenceStore();
				}

				@Override
				public TicketStore ticketStore() {
					return Gates.this.memory.ticketStore();
				}

			};
		}

		/**
		 * Holds the response head, and what is written after it, at the gate: on the
		 * channel, so that the stream's first write waits there whichever transport
		 * serves it.
		 */
		@Bean
		NettyServerCustomizer gatedFirstWrite() {
			return (server) -> server.doOnConnection((connection) -> connection.addHandlerLast("test.firstWriteGate",
					new HeldWrites(Gates.this.firstWrite)));
		}

	}

	/**
	 * Queues the writes of a channel from its first response head until a gate opens,
	 * then writes them in order.
	 */
	static final class HeldWrites extends ChannelOutboundHandlerAdapter {

		private final Gate gate;

		private @Nullable List<Runnable> held;

		HeldWrites(Gate gate) {
			this.gate = gate;
		}

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
			if (this.held == null && message instanceof HttpResponse) {
				List<Runnable> held = new ArrayList<>();
				this.held = held;
				this.gate.pass(Mono.empty()).subscribe(null, null, () -> context.executor().execute(() -> {
					this.held = null;
					held.forEach(Runnable::run);
				}));
			}
			List<Runnable> held = this.held;
			if (held != null) {
				held.add(() -> context.write(message, promise));
				return;
			}
			context.write(message, promise);
		}

		@Override
		public void flush(ChannelHandlerContext context) {
			List<Runnable> held = this.held;
			if (held != null) {
				held.add(context::flush);
				return;
			}
			context.flush();
		}

	}

}
