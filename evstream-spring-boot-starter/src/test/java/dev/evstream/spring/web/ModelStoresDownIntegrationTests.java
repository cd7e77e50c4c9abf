package dev.evstream.spring.web;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import org.junit.jupiter.api.Test;

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
			return new UnreachableStoresBackend();
		}

		@Bean
		EvCollectionWriteAuthorizer writeAuthorizer() {
			return (principal, stream, write) -> true;
		}

	}

}
