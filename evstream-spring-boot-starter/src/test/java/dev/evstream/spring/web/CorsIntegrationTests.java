package dev.evstream.spring.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * CORS for the SSE endpoint, from properties.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"evstream.cors.allowed-origins=https://app.example.com", "management.health.redis.enabled=false" })
class CorsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void preflightFromAllowedOriginShouldBeAnswered() {
		http().options()
			.uri("/evstream?channel=x")
			.header("Origin", "https://app.example.com")
			.header("Access-Control-Request-Method", "GET")
			.header("Access-Control-Request-Headers", "last-event-id")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Access-Control-Allow-Origin", "https://app.example.com")
			.expectHeader()
			.value("Access-Control-Allow-Methods", (methods) -> methods.contains("GET"));
	}

	@Test
	void preflightFromOtherOriginShouldBeRefused() {
		http().method(HttpMethod.OPTIONS)
			.uri("/evstream?channel=x")
			.header("Origin", "https://evil.example.org")
			.header("Access-Control-Request-Method", "GET")
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void streamFromAllowedOriginShouldCarryTheHeader() {
		http().get()
			.uri("/evstream?channel=x")
			.header("Origin", "https://app.example.com")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Access-Control-Allow-Origin", "https://app.example.com")
			.returnResult(String.class)
			.getResponseBody()
			.take(1)
			.blockLast(Duration.ofSeconds(10));
	}

	@Test
	void streamFromOtherOriginShouldBeRefused() {
		http().get()
			.uri("/evstream?channel=x")
			.header("Origin", "https://evil.example.org")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist("Access-Control-Allow-Origin");
	}

	@Test
	void streamFromItsOwnOriginShouldBeServedWithoutCorsHeaders() {
		http().get()
			.uri("/evstream?channel=x")
			.header("Origin", "http://127.0.0.1:" + this.port)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("Access-Control-Allow-Origin")
			.returnResult(String.class)
			.getResponseBody()
			.take(1)
			.blockLast(Duration.ofSeconds(10));
	}

	private WebTestClient http() {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

}
