package dev.evstream.core;

import dev.evstream.core.memory.InMemoryBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.memory.InMemoryChannelHistory;
import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Whatever the moment a client goes away, its slot, its listeners and the channels it
 * named are released, and nothing keyed by a client-chosen name outlives its use.
 */
class EvStreamLeakTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(1);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<EvStreamManager> managers = new ArrayList<>();

	@AfterEach
	void close() {
		this.managers.forEach(EvStreamManager::close);
		this.time.dispose();
	}

	private EvStreamManager manage(EvStreamManager.Builder builder) {
		EvStreamManager manager = builder.build();
		this.managers.add(manager);
		return manager;
	}

	@Test
	void connectCancelledWhileChannelsArePositionedShouldFreeItsSlotAndListeners() {
		InMemoryBackend backend = new InMemoryBackend();
		GatedHistory history = new GatedHistory(backend.channelHistory());
		EvStreamManager manager = manage(
				Engines.streams().backend(Engines.backend(backend.bus(), backend.stateStore(), history)));
		Disposable pending = manager.connect(EvConnectRequest.of("a", "b")).subscribe();
		assertThat(manager.connectionCount()).isEqualTo(1);
		assertThat(manager.listenerCount("a")).isEqualTo(1);
		pending.dispose();
		assertThat(manager.connectionCount()).isZero();
		assertThat(manager.listenerCounts()).isEmpty();
		history.open();
		await().atMost(TIMEOUT).until(() -> manager.channelCount() == 0);
	}

	@Test
	void streamNotWrittenWithinClaimTimeoutShouldBeClosedAndCounted() {
		AtomicInteger unclaimed = new AtomicInteger();
		StreamMetrics metrics = new StreamMetrics() {

			@Override
			public void connectionUnclaimed() {
				unclaimed.incrementAndGet();
			}

		};
		EvStreamManager manager = manage(
				Engines.streams().scheduler(this.time).claimTimeout(Duration.ofSeconds(5)).metrics(metrics));
		EvStream abandoned = manager.connect(EvConnectRequest.of("news")).block(TIMEOUT);
		EvStream written = manager.connect(EvConnectRequest.of("news")).block(TIMEOUT);
		StreamRecorder recorder = StreamRecorder.read(written);
		this.time.advanceTimeBy(Duration.ofMillis(4999));
		assertThat(manager.connectionCount()).isEqualTo(2);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(abandoned.isClosed()).isTrue();
		assertThat(written.isClosed()).isFalse();
		assertThat(manager.connectionCount()).isEqualTo(1);
		assertThat(manager.listenerCount("news")).isEqualTo(1);
		assertThat(unclaimed).hasValue(1);
		assertThat(recorder.events()).isNotEmpty();
	}

	@Test
	void listenBeyondTheChannelLimitShouldBeRefusedAndChangeNothing() {
		EvStreamManager manager = manage(Engines.streams().scheduler(this.time).maxChannels(2));
		EvStream first = manager.createStream();
		first.listen("a");
		first.listen("b");
		EvStream second = manager.createStream();
		second.listen("a");
		assertThatExceptionOfType(EvMaxChannelsException.class).isThrownBy(() -> second.listen("c"))
			.withMessage("The maximum of 2 channels in use on this instance is reached")
			.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(2));
		assertThat(second.channels()).containsExactly("a");
		assertThat(manager.channelCount()).isEqualTo(2);
		assertThatExceptionOfType(EvMaxChannelsException.class)
			.isThrownBy(() -> manager.connect(EvConnectRequest.of("a", "d")).block(TIMEOUT));
		assertThat(manager.connectionCount()).isEqualTo(2);
		assertThat(manager.listenerCount("a")).isEqualTo(2);
	}

	@Test
	void twoHundredThousandRandomChannelNamesShouldLeaveNothingBehind() {
		InMemoryBackend backend = new InMemoryBackend();
		InMemoryChannelHistory history = backend.channelHistory();
		Scheduler scheduler = Schedulers.newSingle("leak-test");
		EvStreamManager manager = manage(
				Engines.streams().backend(backend).scheduler(scheduler).claimTimeout(CLAIM_TIMEOUT));
		listenAndLeave(manager, 100);
		long before = heapAfterGc(scheduler);
		listenAndLeave(manager, 6250);
		await().atMost(TIMEOUT).until(() -> manager.connectionCount() == 0 && manager.channelCount() == 0);
		assertThat(manager.listenerCounts()).isEmpty();
		assertThat(history.channelCount()).isZero();
		assertThat(history.byteCount()).isZero();
		long after = heapAfterGc(scheduler);
		scheduler.dispose();
		System.out.printf("Heap after GC before and after 200,000 channel names: %d and %d bytes%n", before, after);
		// 200,000 names used to keep about 50 MB
		assertThat(after - before).as("heap growth in bytes").isLessThan(before / 20 + 1024 * 1024);
	}

	/**
	 * Opens streams on 32 random channels each, reads until connected, and goes away.
	 */
	private static void listenAndLeave(EvStreamManager manager, int connections) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < connections; i++) {
			List<String> names = new ArrayList<>();
			for (int j = 0; j < 32; j++) {
				names.add("r" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
			}
			EvStream stream = manager.connect(new EvConnectRequest(names, null, EvPrincipal.anonymous()))
				.block(TIMEOUT);
			StreamRecorder recorder = StreamRecorder.read(stream);
			recorder.await((events) -> !events.isEmpty(), TIMEOUT);
			recorder.dispose();
		}
	}

	/**
	 * Measures once the scheduler ran every claim check due (one task per stream, due
	 * after the claim timeout), which hold a connection id each until then.
	 */
	private static long heapAfterGc(Scheduler scheduler) {
		CountDownLatch due = new CountDownLatch(1);
		scheduler.schedule(due::countDown, CLAIM_TIMEOUT.toMillis() + 200, TimeUnit.MILLISECONDS);
		try {
			assertThat(due.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	/**
	 * A history whose positions are only given once the test opens it.
	 */
	private static final class GatedHistory implements ChannelHistory {

		private final ChannelHistory delegate;

		private final Sinks.Empty<Void> gate = Sinks.empty();

		GatedHistory(ChannelHistory delegate) {
			this.delegate = delegate;
		}

		void open() {
			this.gate.tryEmitEmpty();
		}

		@Override
		public Mono<Long> append(String channel, @Nullable String event, String data) {
			return this.delegate.append(channel, event, data);
		}

		@Override
		public Mono<HistorySlice> readAfter(String channel, long afterSequence) {
			return this.gate.asMono().then(this.delegate.readAfter(channel, afterSequence));
		}

		@Override
		public Mono<Long> head(String channel) {
			return this.gate.asMono().then(this.delegate.head(channel));
		}

	}

}
