package dev.evstream.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a broadcast reaches its listeners: one encoding shared by all, drained per event
 * loop in one task per pass.
 */
class FanOutTests {

	private final EvStreamManager manager = Engines.streams().build();

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void broadcastShouldShareOneEncodingBetweenListeners() {
		Batches first = listen("news");
		Batches second = listen("news");
		this.manager.send("news", EvMessage.of("story", "shared bytes"));
		byte[] firstBody = first.chunkContaining("event: story");
		byte[] secondBody = second.chunkContaining("event: story");
		assertThat(firstBody).isSameAs(secondBody);
		assertThat(first.chunkContaining("id: ")).isSameAs(second.chunkContaining("id: "));
	}

	@Test
	void streamsOfOneExecutorShouldBeDrainedInOneTaskPerPass() {
		QueuedExecutor loop = new QueuedExecutor();
		Batches first = listen("feed", loop);
		Batches second = listen("feed", loop);
		this.manager.send("feed", EvMessage.of("1"));
		this.manager.send("feed", EvMessage.of("2"));
		this.manager.send("feed", EvMessage.of("3"));
		assertThat(first.batches).isEmpty();
		assertThat(loop.tasks).hasSize(1);
		loop.runAll();
		assertThat(first.batches).singleElement()
			.satisfies((batch) -> assertThat(text(batch)).contains("data: 1").contains("data: 2").contains("data: 3"));
		assertThat(second.batches).hasSize(1);
		this.manager.send("feed", EvMessage.of("4"));
		assertThat(loop.tasks).hasSize(1);
		loop.runAll();
		assertThat(first.batches).hasSize(2);
	}

	private Batches listen(String channel) {
		EvStream stream = this.manager.createStream();
		stream.listen(channel);
		Batches batches = new Batches();
		stream.output().subscribe(batches);
		return batches;
	}

	private Batches listen(String channel, Executor executor) {
		EvStream stream = this.manager.createStream();
		stream.listen(channel);
		Batches batches = new Batches();
		stream.output(executor).subscribe(batches);
		return batches;
	}

	private static String text(List<byte[]> batch) {
		StringBuilder text = new StringBuilder();
		batch.forEach((chunk) -> text.append(new String(chunk, StandardCharsets.UTF_8)));
		return text.toString();
	}

	/**
	 * Keeps every batch as the HTTP layer receives it.
	 */
	static final class Batches extends BaseSubscriber<List<byte[]>> {

		final List<List<byte[]>> batches = new ArrayList<>();

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		protected void hookOnNext(List<byte[]> batch) {
			this.batches.add(batch);
		}

		byte[] chunkContaining(String text) {
			for (List<byte[]> batch : this.batches) {
				for (byte[] chunk : batch) {
					if (new String(chunk, StandardCharsets.UTF_8).contains(text)) {
						return chunk;
					}
				}
			}
			throw new AssertionError("No chunk contains '" + text + "'");
		}

	}

	/**
	 * An event loop whose tasks the test runs by hand.
	 */
	static final class QueuedExecutor implements Executor {

		final List<Runnable> tasks = new ArrayList<>();

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
		}

		void runAll() {
			List<Runnable> now = new ArrayList<>(this.tasks);
			this.tasks.clear();
			now.forEach(Runnable::run);
		}

	}

}
