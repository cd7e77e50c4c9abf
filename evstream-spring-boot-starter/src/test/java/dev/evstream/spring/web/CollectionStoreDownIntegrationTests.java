package dev.evstream.spring.web;

import java.net.ConnectException;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Reads and writes of collections answer {@code 503} with {@code Retry-After} when the
 * store cannot be reached.
 */
@SpringBootTest(classes = { TestApplication.class, CollectionStoreDownIntegrationTests.DeadStore.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.retry=2s")
class CollectionStoreDownIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	@Test
	void readsAndWritesShouldAnswer503() {
		this.collections.collection("notes", Note.class);
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		http.get()
			.uri("/evstream/collections/notes/inbox")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		http.post()
			.uri("/evstream/collections/notes/inbox/a")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"op\":\"set\",\"data\":{\"text\":\"hi\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2");
	}

	record Note(String text) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class DeadStore {

		@Bean
		Backend backend() {
			return new DeadCollectionStoreBackend(new InMemoryBackend());
		}

		@Bean
		EvCollectionWriteAuthorizer writeAuthorizer() {
			return (principal, stream, write) -> true;
		}

	}

	/**
	 * The in-memory backend, but for a collection store that cannot be reached.
	 */
	record DeadCollectionStoreBackend(InMemoryBackend backend) implements Backend {

		@Override
		public EventBus bus() {
			return this.backend.bus();
		}

		@Override
		public StateStore stateStore() {
			return this.backend.stateStore();
		}

		@Override
		public ChannelHistory channelHistory() {
			return this.backend.channelHistory();
		}

		@Override
		public CollectionStore collectionStore() {
			return new CollectionStore() {

				@Override
				public Mono<StoredItem> get(String stream, String group, String id) {
					return Mono.error(down());
				}

				@Override
				public Mono<GroupSnapshot> snapshot(String stream, String group) {
					return Mono.error(down());
				}

				@Override
				public Flux<String> groups(String stream) {
					return Flux.error(down());
				}

				@Override
				public Mono<ItemWriteResult> write(ItemWrite write) {
					return Mono.error(down());
				}

				@Override
				public Mono<Long> send(String stream, String group, String data) {
					return Mono.error(down());
				}

			};
		}

		private static ConnectException down() {
			return new ConnectException("Connection refused");
		}

		@Override
		public Mono<Void> start() {
			return this.backend.start();
		}

		@Override
		public void close() {
			this.backend.close();
		}

	}

}
