package dev.evstream.spring.web;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint at the edges of HTTP, over raw sockets: other protocol versions, other
 * methods, heads the codec refuses.
 */
@TestInstance(Lifecycle.PER_CLASS)
class HttpEdgesIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeAll
	void start() {
		this.context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "management.health.redis.enabled=false",
					"evstream.transport=" + transport())
			.run();
		this.port = Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	void stop() {
		this.context.close();
	}

	/**
	 * Returns how the streams are served, for the subclass that runs these tests on the
	 * route.
	 */
	String transport() {
		return "webflux";
	}

	@Test
	void http10StreamShouldBeSentCloseDelimitedWithoutChunks() throws IOException {
		try (RawHttp http = RawHttp.send(this.port,
				"GET /evstream?channel=edges HTTP/1.0\r\nHost: localhost\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(200);
			assertThat(head.header("Content-Type")).startsWith("text/event-stream");
			assertThat(head.header("Transfer-Encoding")).isNull();
			assertThat(head.header("Content-Length")).isNull();
			assertThat(head.header("Connection")).isEqualToIgnoringCase("close");
			String body = http.awaitBody("event: connected\n");
			// an HTTP/1.0 client reads the body as is: no chunk sizes in it
			assertThat(body).startsWith("retry: ");
		}
	}

	@Test
	void http10KeepAliveStreamShouldStillBeSentCloseDelimited() throws IOException {
		try (RawHttp http = RawHttp.send(this.port,
				"GET /evstream?channel=edges HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(200);
			assertThat(head.header("Transfer-Encoding")).isNull();
			assertThat(head.header("Connection")).isEqualToIgnoringCase("close");
			assertThat(http.awaitBody("event: connected\n")).startsWith("retry: ");
		}
	}

	@Test
	void http10ErrorShouldBeReadableByAnHttp10Client() throws IOException {
		try (RawHttp http = RawHttp.send(this.port, "GET /evstream HTTP/1.0\r\nHost: localhost\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(400);
			assertThat(head.header("Transfer-Encoding")).isNull();
			JsonNode problem = json.readTree(http.awaitClose());
			assertThat(problem.get("detail").stringValue()).contains("channel");
		}
	}

	@Test
	void unknownHttpVersionShouldBeRefusedWith505AndClosed() throws IOException {
		try (RawHttp http = RawHttp.send(this.port,
				"GET /evstream?channel=edges HTTP/9.9\r\nHost: localhost\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(505);
			assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
			JsonNode problem = json.readTree(http.awaitClose());
			assertThat(problem.get("status").intValue()).isEqualTo(505);
			assertThat(problem.get("detail").stringValue()).contains("HTTP/9.9").contains("HTTP/1.1");
		}
	}

	@Test
	void headShouldAnswer405AllowingGet() throws IOException {
		try (RawHttp http = RawHttp.send(this.port,
				"HEAD /evstream?channel=edges HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(405);
			assertThat(head.header("Allow")).isEqualTo("GET");
			assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
			// a response to HEAD has no body
			assertThat(http.awaitClose()).isEmpty();
		}
	}

	@Test
	void postShouldAnswer405ProblemWithDetail() throws IOException {
		try (RawHttp http = RawHttp.send(this.port, "POST /evstream?channel=edges HTTP/1.1\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(405);
			assertThat(head.header("Allow")).isEqualTo("GET");
			assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
			JsonNode problem = json.readTree(http.awaitClose());
			assertThat(problem.get("status").intValue()).isEqualTo(405);
			assertThat(problem.get("detail").stringValue()).contains("POST").contains("GET");
			assertThat(problem.get("instance").stringValue()).isEqualTo("/evstream");
		}
	}

	@Test
	void oversizedHeadersShouldAnswer431ProblemWithDetail() throws IOException {
		String big = "x".repeat(20_000);
		try (RawHttp http = RawHttp.send(this.port,
				"GET /evstream?channel=edges HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big + "\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(431);
			assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
			JsonNode problem = json.readTree(http.awaitClose());
			assertThat(problem.get("status").intValue()).isEqualTo(431);
			assertThat(problem.get("detail").stringValue()).contains("header");
		}
	}

	@Test
	void oversizedQueryShouldAnswer414ProblemWithDetail() throws IOException {
		String big = "a".repeat(10_000);
		try (RawHttp http = RawHttp.send(this.port,
				"GET /evstream?channel=edges&x=" + big + " HTTP/1.1\r\nHost: localhost\r\n\r\n")) {
			RawHttp.Head head = http.head();
			assertThat(head.status()).isEqualTo(414);
			assertThat(head.header("Content-Type")).isEqualTo("application/problem+json");
			JsonNode problem = json.readTree(http.awaitClose());
			assertThat(problem.get("status").intValue()).isEqualTo(414);
			assertThat(problem.get("detail").stringValue()).contains("line");
		}
	}

}
