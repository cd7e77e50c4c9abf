package dev.evstream.spring.web;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import dev.evstream.core.record.EvActionAuthorizer;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads and writes of collections, appends to event logs and actions on record sets
 * answer {@code 503} with {@code Retry-After} when their store cannot be reached.
 */
@SpringBootTest(classes = { TestApplication.class, ModelStoresDownIntegrationTests.DeadStores.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.retry=2s")
class ModelStoresDownIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	EvCollections collections;

	@Autowired
	EvLogs logs;

	@Autowired
	EvRecords records;

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

	@Test
	void appendShouldAnswer503() {
		this.logs.register("notes", EvLogModel.of(new TypeReference<Map<String, Object>>() {
		}, Map.<String, Object>of()).when("note", Void.class, (state, dispatcher, payload) -> state));
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		http.post()
			.uri("/evstream/logs/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"note\",\"eventId\":\"e1\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		http.post()
			.uri("/evstream/logs/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"type\":\"note\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2");
	}

	@Test
	void actionWithAnOperationIdShouldAnswer503AndRunNothing() {
		AtomicInteger actions = new AtomicInteger();
		this.records.register("reminders",
				EvRecordSetModel.of(Note.class, Note.class)
					.id(Note::text)
					.version((note) -> 1)
					.loader((since) -> Flux.empty())
					.onAction((recordSet, action, principal) -> {
						actions.incrementAndGet();
						return Flux.just(action);
					}));
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		http.post()
			.uri("/evstream/actions/reminders")
			.header("Idempotency-Key", "op-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"text\":\"hi\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "2")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(actions).hasValue(0);
	}

	record Note(String text) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class DeadStores {

		@Bean
		Backend backend() {
			return new UnreachableStoresBackend();
		}

		@Bean
		EvCollectionWriteAuthorizer writeAuthorizer() {
			return (principal, stream, write) -> true;
		}

		@Bean
		EvLogAppendAuthorizer appendAuthorizer() {
			return (principal, log, request) -> true;
		}

		@Bean
		EvActionAuthorizer actionAuthorizer() {
			return (principal, recordSet, action) -> true;
		}

	}

}
