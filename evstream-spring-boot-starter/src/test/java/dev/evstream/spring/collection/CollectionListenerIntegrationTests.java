package dev.evstream.spring.collection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionChange;
import dev.evstream.core.collection.EvCollectionChange.Type;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EvCollectionListener} methods run once per change of their collection, off the
 * event loop, whoever writes; a trigger that throws is counted and the change stands.
 */
@SpringBootTest(classes = CollectionListenerIntegrationTests.Application.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.health.redis.enabled=false")
class CollectionListenerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	@Autowired
	Listeners listeners;

	@Autowired
	MeterRegistry registry;

	private WebTestClient http;

	private EvCollection<Note> notes;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.notes = this.collections.collection("notes", Note.class);
	}

	@Test
	void triggerShouldRunOncePerChangeOffTheEventLoop() throws InterruptedException {
		write("inbox", "a", "{\"op\":\"set\",\"data\":{\"text\":\"hi\"}}", "op-1");
		write("inbox", "a", "{\"op\":\"update\",\"ops\":[{\"op\":\"set\",\"path\":\"text\",\"value\":\"ho\"}]}",
				"op-2");
		write("inbox", "a", "{\"op\":\"delete\"}", "op-3");
		write("inbox", "pinned", "{\"op\":\"set\",\"data\":{\"text\":\"top\"}}", null);
		List<Call> all = awaitCalls(this.listeners.all, 4);
		// one more change, whose trigger would run after any repeat of the earlier ones
		write("marker", "end", "{\"op\":\"set\",\"data\":{\"text\":\"end\"}}", null);
		all.addAll(awaitCalls(this.listeners.all, 1));
		assertThat(all).extracting(Call::change)
			.extracting(EvCollectionChange::group, EvCollectionChange::id, EvCollectionChange::type,
					EvCollectionChange::operationId)
			.containsExactlyInAnyOrder(tuple("inbox", "a", Type.CREATE, "op-1"),
					tuple("inbox", "a", Type.UPDATE, "op-2"), tuple("inbox", "a", Type.DELETE, "op-3"),
					tuple("inbox", "pinned", Type.CREATE, null), tuple("marker", "end", Type.CREATE, null));
		Call update = all.stream().filter((call) -> call.change().type() == Type.UPDATE).findFirst().orElseThrow();
		assertThat(update.change().before()).isEqualTo(new Note("hi"));
		assertThat(update.change().after()).isEqualTo(new Note("ho"));
		assertThat(all).extracting(Call::thread)
			.allSatisfy((thread) -> assertThat(thread).doesNotStartWith("reactor-http"));
		assertThat(this.listeners.pinned.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull()
			.satisfies((call) -> assertThat(call.change().id()).isEqualTo("pinned"));
		assertThat(this.listeners.pinned).isEmpty();
		assertThat(this.listeners.all).isEmpty();
	}

	@Test
	void triggerThatThrowsShouldBeCountedAndTheWriteShouldStand() {
		double before = failures();
		write("boom", "a", "{\"op\":\"set\",\"data\":{\"text\":\"still here\"}}", null);
		await().atMost(TIMEOUT).until(() -> failures() == before + 1);
		assertThat(this.notes.get("boom", "a").block(TIMEOUT)).isEqualTo(new Note("still here"));
	}

	private double failures() {
		Counter counter = this.registry.find("evstream.triggers.failed").tag("model", "collection").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private void write(String group, String id, String body, String operationId) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/evstream/collections/notes/{group}/{id}", group, id)
			.contentType(MediaType.APPLICATION_JSON);
		if (operationId != null) {
			request.header("Idempotency-Key", operationId);
		}
		request.bodyValue(body).exchange().expectStatus().isOk();
	}

	private static List<Call> awaitCalls(BlockingQueue<Call> calls, int count) throws InterruptedException {
		List<Call> received = new ArrayList<>();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (received.size() < count) {
			Call call = calls.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			assertThat(call).as("trigger call %d of %d within %s", received.size() + 1, count, TIMEOUT).isNotNull();
			received.add(call);
		}
		return received;
	}

	private static org.assertj.core.groups.Tuple tuple(Object... values) {
		return org.assertj.core.groups.Tuple.tuple(values);
	}

	record Note(String text) {
	}

	record Call(EvCollectionChange<Note> change, String thread) {
	}

	static class Listeners {

		final BlockingQueue<Call> all = new LinkedBlockingQueue<>();

		final BlockingQueue<Call> pinned = new LinkedBlockingQueue<>();

		@EvCollectionListener(stream = "notes")
		void onNote(EvCollectionChange<Note> change) {
			if (!change.group().equals("boom")) {
				this.all.add(new Call(change, Thread.currentThread().getName()));
			}
		}

		@EvCollectionListener(stream = "notes", group = "inbox", id = "pinned")
		void onPinned(EvCollectionChange<Note> change) {
			this.pinned.add(new Call(change, Thread.currentThread().getName()));
		}

		@EvCollectionListener(stream = "notes", group = "boom")
		void explode(EvCollectionChange<Note> change) {
			throw new IllegalStateException("The trigger failed on purpose");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		@Bean
		EvCollectionWriteAuthorizer writeAuthorizer() {
			return (principal, stream, write) -> true;
		}

	}

}
