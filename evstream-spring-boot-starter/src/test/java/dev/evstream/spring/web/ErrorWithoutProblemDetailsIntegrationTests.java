package dev.evstream.spring.web;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With problem details off (Boot's default), Boot's error format is kept, but a body over
 * the codecs' limit is still a {@code 413}, not a {@code 500}.
 */
class ErrorWithoutProblemDetailsIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void oversizedBodyToFunctionalEndpointShouldAnswer413InBootsFormat() throws IOException {
		String big = "{\"text\":\"" + "x".repeat(1024 * 1024) + "\"}";
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class,
				ErrorDetailIntegrationTests.Endpoints.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "management.health.redis.enabled=false")
			.run()) {
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			try (RawHttp http = RawHttp.send(port,
					"POST /fn/echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
							+ "Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
							+ big.length() + "\r\n\r\n" + big)) {
				RawHttp.Head head = http.head();
				assertThat(head.status()).isEqualTo(413);
				assertThat(head.header("Content-Type")).isEqualTo("application/json");
				JsonNode error = json.readTree(http.awaitClose());
				assertThat(error.get("status").intValue()).isEqualTo(413);
				assertThat(error.get("path").stringValue()).isEqualTo("/fn/echo");
			}
		}
	}

}
