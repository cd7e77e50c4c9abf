package dev.evstream.spring.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens never reach the logs: not the access log, not Spring's request logging, not
 * evstream's own lines, whether the token is accepted or rejected.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenLoggingIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String GOOD = "good-secret-7f3a";

	private static final String BAD = "bad-secret-91c2";

	// GOOD with every character percent-encoded
	private static final String GOOD_ENCODED = "%67%6F%6F%64%2D%73%65%63%72%65%74%2D%37%66%33%61";

	private static final String ACCESS_LOG = "reactor.netty.http.server.accessLogEnabled";

	/**
	 * Returns how the streams are served, for the subclass that runs these tests on the
	 * route.
	 */
	String transport() {
		return "webflux";
	}

	@Test
	void tokensShouldNotBeLogged(CapturedOutput output) throws IOException {
		String accessLog = "reactor.netty.http.server.accessLogEnabled";
		String previous = System.setProperty(accessLog, "true");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class, Tokens.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "management.health.redis.enabled=false",
					"evstream.transport=" + transport(), "logging.level.reactor.netty.http.server.AccessLog=INFO",
					"logging.level.org.springframework.web=DEBUG", "logging.level.dev.evstream=DEBUG")
			.run()) {
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			try (SseTestClient accepted = SseTestClient.get(port, "/evstream?channel=logs&token=" + GOOD)) {
				accepted.awaitEvent("connected", TIMEOUT);
			}
			try (SseTestClient rejected = SseTestClient.get(port, "/evstream?token=" + BAD + "&channel=logs")) {
				assertThat(rejected.status()).isEqualTo(401);
				assertThat(rejected.awaitBody(TIMEOUT)).doesNotContain(BAD);
			}
			try (SseTestClient bearer = SseTestClient.get("127.0.0.1", port, "/evstream?channel=logs",
					Map.of("Authorization", "Bearer " + BAD))) {
				assertThat(bearer.status()).isEqualTo(401);
			}
			// the reads of collections take the token as the stream does
			try (SseTestClient list = SseTestClient.get(port, "/evstream/collections/logs/all?token=" + GOOD)) {
				assertThat(list.status()).isEqualTo(404);
			}
			// appends to event logs refuse it, unlogged
			try (RawHttp append = RawHttp.send(port,
					"POST /evstream/logs/audit?token=" + GOOD + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
							+ "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")) {
				assertThat(append.head().status()).isEqualTo(400);
				assertThat(append.awaitClose()).contains("as an 'Authorization: Bearer' header").doesNotContain(GOOD);
			}
			// so do the reads of record sets, and actions refuse it
			try (SseTestClient records = SseTestClient.get(port, "/evstream/records/audit?token=" + GOOD)) {
				assertThat(records.status()).isEqualTo(404);
			}
			try (RawHttp action = RawHttp.send(port,
					"POST /evstream/actions/audit?token=" + GOOD
							+ " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
							+ "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")) {
				assertThat(action.head().status()).isEqualTo(400);
				assertThat(action.awaitClose()).contains("as an 'Authorization: Bearer' header").doesNotContain(GOOD);
			}
			context.close();
			assertThat(output.getOut()).contains("\"GET /evstream?token=***&channel=logs HTTP/1.1\" 401")
				.contains("HTTP GET \"/evstream/collections/logs/all\"")
				.contains("HTTP POST \"/evstream/logs/audit\"")
				.contains("HTTP GET \"/evstream/records/audit\"")
				.contains("HTTP POST \"/evstream/actions/audit\"");
			if (transport().equals("webflux")) {
				// the route serves the stream in front of WebFlux, which then logs
				// nothing of it
				assertThat(output.getOut()).contains("HTTP GET \"/evstream?channel=logs\"");
			}
		}
		finally {
			if (previous == null) {
				System.clearProperty(accessLog);
			}
			else {
				System.setProperty(accessLog, previous);
			}
		}
		assertThat(output.getAll()).doesNotContain(GOOD).doesNotContain(BAD);
	}

	@Test
	void tokensInAnySpellingThatAuthenticatesShouldNotBeLogged(CapturedOutput output) {
		List<String> accepted = List.of("/evstream?channel=logs&%74oken=" + GOOD,
				"/evstream?channel=logs&t%6Fken=" + GOOD, "/evstream?channel=logs&%74%6F%6B%65%6E=" + GOOD,
				"/ev%73tream?channel=logs&token=" + GOOD, "/ev%73tream?channel=logs&%74oken=" + GOOD,
				"/evstream;v=1?channel=logs&token=" + GOOD, "/evstream?%74oken=" + GOOD + "&channel=logs",
				"/evstream?channel=logs&token=" + GOOD_ENCODED, "/evstream?channel=logs&%74oken=" + GOOD_ENCODED);
		withAccessLog(() -> {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
					Tokens.class)
				.properties("server.port=0", "spring.main.banner-mode=off", "management.health.redis.enabled=false",
						"evstream.transport=" + transport(), "logging.level.reactor.netty=DEBUG",
						"logging.level.reactor.netty.http.server.AccessLog=INFO",
						"logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.http=DEBUG",
						"logging.level.dev.evstream=DEBUG")
				.run()) {
				int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
				for (String path : accepted) {
					try (SseTestClient client = SseTestClient.get(port, path)) {
						assertThat(client.status()).as(path).isEqualTo(200);
						client.awaitEvent("connected", TIMEOUT);
					}
				}
				for (String path : List.of("/ev%73tream?channel=logs&t%6Fken=" + BAD,
						"/evstream?channel=logs&%74oken=" + BAD)) {
					try (SseTestClient rejected = SseTestClient.get(port, path)) {
						assertThat(rejected.status()).isEqualTo(401);
						assertThat(rejected.awaitBody(TIMEOUT)).doesNotContain(BAD);
					}
				}
				context.close();
				// the access log has a line for each completed response (streams cut by
				// their client have none)
				assertThat(output.getOut()).contains("\"GET /ev%73tream?channel=logs&t%6Fken=*** HTTP/1.1\" 401")
					.contains("\"GET /evstream?channel=logs&%74oken=*** HTTP/1.1\" 401");
			}
			return null;
		});
		assertThat(output.getAll()).doesNotContain(GOOD)
			.doesNotContain(BAD)
			.doesNotContainIgnoringCase(GOOD_ENCODED)
			.doesNotContain("secret");
	}

	private static void withAccessLog(Supplier<Void> action) {
		String previous = System.setProperty(ACCESS_LOG, "true");
		try {
			action.get();
		}
		finally {
			if (previous == null) {
				System.clearProperty(ACCESS_LOG);
			}
			else {
				System.setProperty(ACCESS_LOG, previous);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Tokens {

		@Bean
		Authenticator authenticator() {
			return (token) -> token.equals(GOOD) ? Mono.just(EvPrincipal.of("ann")) : Mono.empty();
		}

	}

}
