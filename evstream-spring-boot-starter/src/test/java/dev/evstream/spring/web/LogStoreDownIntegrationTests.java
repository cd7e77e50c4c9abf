package dev.evstream.spring.web;

import java.util.Map;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import org.junit.jupiter.api.Test;
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

/**
 * Appends to event logs answer {@code 503} with {@code Retry-After} when the store cannot
 * be reached.
 */
@SpringBootTest(classes = { TestApplication.class, LogStoreDownIntegrationTests.DeadStore.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "evstream.retry=2s")
class LogStoreDownIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	EvLogs logs;

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

	@TestConfiguration(proxyBeanMethods = false)
	static class DeadStore {

		@Bean
		Backend backend() {
			return new UnreachableStoresBackend();
		}

		@Bean
		EvLogAppendAuthorizer appendAuthorizer() {
			return (principal, log, request) -> true;
		}

	}

}
