package dev.evstream.spring.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every error of an application using the starter, annotated or functional, is a problem
 * detail with a {@code detail} when the application answers problem details.
 */
class ErrorDetailIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String BIG = "{\"text\":\"" + "x".repeat(1024 * 1024) + "\"}";

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(TestApplication.class, Endpoints.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "management.health.redis.enabled=false",
					"spring.webflux.problemdetails.enabled=true")
			.run();
		port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void notFoundShouldCarryDetail() throws IOException {
		assertProblem("GET /nowhere HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n", 404);
	}

	@Test
	void methodNotAllowedShouldCarryDetail() throws IOException {
		assertProblem("DELETE /api/echo HTTP/1.1\r\nHost: localhost\r\n", 405);
	}

	@Test
	void notAcceptableShouldCarryDetail() throws IOException {
		assertProblem("GET /api/item HTTP/1.1\r\nHost: localhost\r\nAccept: image/png\r\n", 406);
	}

	@Test
	void unsupportedMediaTypeShouldCarryDetail() throws IOException {
		assertProblem("POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
				+ "Content-Length: 2\r\n\r\n{}", 415);
	}

	@Test
	void oversizedBodyToAnnotatedEndpointShouldCarryDetail() throws IOException {
		assertProblem("POST /api/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + BIG.length() + "\r\n\r\n" + BIG, 413);
	}

	@Test
	void oversizedBodyToFunctionalEndpointShouldCarryDetail() throws IOException {
		assertProblem("POST /fn/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + BIG.length() + "\r\n\r\n" + BIG, 413);
	}

	@ParameterizedTest
	@ValueSource(strings = { "HTTP/1.1\r\nConnection: close", "HTTP/1.0" })
	void oversizedBodyOnAConnectionToCloseShouldBeAnsweredAndEndWithoutReset(String versionAndConnection)
			throws IOException {
		String request = "POST /api/echo " + versionAndConnection + "\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + BIG.length() + "\r\n\r\n" + BIG;
		try (RawHttp http = RawHttp.send(port, request)) {
			assertThat(http.head().status()).isEqualTo(413);
			// a connection closed with unread bytes is reset, and the client (a proxy
			// speaking HTTP/1.0 upstream, say) may lose the answer before reading it
			assertThat(http.awaitEnd()).isEqualTo(RawHttp.End.CLOSED);
		}
	}

	@Test
	void clientSendingForEverAfterItsAnswerShouldStillBeClosed() throws Exception {
		String request = "POST /api/echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
				+ "Content-Type: application/json\r\nContent-Length: 1000000000000000\r\n\r\n" + BIG;
		try (RawHttp http = RawHttp.send(port, request)) {
			assertThat(http.head().status()).isEqualTo(413);
			Thread sender = new Thread(() -> {
				byte[] more = new byte[8192];
				try {
					while (true) {
						http.write(more);
					}
				}
				catch (IOException ex) {
					// the server ended the connection
				}
			}, "endless-body");
			sender.setDaemon(true);
			sender.start();
			// the answer ends cleanly, the server's output shut while it reads on
			assertThat(http.awaitEnd()).isEqualTo(RawHttp.End.CLOSED);
			// and it reads for a bounded time only: then the connection is closed, and
			// the sender's writes fail
			await().atMost(Duration.ofSeconds(30)).until(() -> !sender.isAlive());
		}
	}

	@Test
	void errorWithoutReasonFromFunctionalEndpointShouldCarryDetail() throws IOException {
		assertProblem("GET /fn/gone HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n", 410);
	}

	private static void assertProblem(String head, int status) throws IOException {
		String request = head.contains("\r\n\r\n") ? head : head + "\r\n";
		// kept alive, as browsers do, and read by the body's length; the close after an
		// unread body has tests of its own above
		try (RawHttp http = RawHttp.send(port, request)) {
			RawHttp.Head response = http.head();
			assertThat(response.status()).isEqualTo(status);
			assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
			String body = http.awaitBody(Integer.parseInt(response.header("Content-Length")));
			JsonNode problem = json.readTree(body);
			assertThat(problem.get("status").intValue()).as(body).isEqualTo(status);
			assertThat(problem.hasNonNull("detail")).as(body).isTrue();
			assertThat(problem.get("detail").stringValue()).as(body).isNotBlank();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Endpoints {

		@Bean
		Echo echo() {
			return new Echo();
		}

		@Bean
		RouterFunction<ServerResponse> functionalEcho() {
			return RouterFunctions
				.route(RequestPredicates.POST("/fn/echo"),
						(request) -> request.bodyToMono(Map.class)
							.flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.andRoute(RequestPredicates.GET("/fn/gone"),
						(request) -> Mono.error(new org.springframework.web.server.ResponseStatusException(
								org.springframework.http.HttpStatus.GONE)));
		}

	}

	@RestController
	static class Echo {

		@PostMapping(path = "/api/echo", consumes = MediaType.APPLICATION_JSON_VALUE)
		Map<String, Object> echo(@RequestBody Map<String, Object> body) {
			return body;
		}

		@GetMapping(path = "/api/item", produces = MediaType.APPLICATION_JSON_VALUE)
		Map<String, Object> item() {
			return Map.of("id", 1);
		}

	}

}
