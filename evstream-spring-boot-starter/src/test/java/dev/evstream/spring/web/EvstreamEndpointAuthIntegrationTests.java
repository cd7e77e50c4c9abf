package dev.evstream.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvAuthenticationException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = { TestApplication.class, EvstreamEndpointAuthIntegrationTests.Security.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class EvstreamEndpointAuthIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String SECRET = "s3cr3t-token";

	@LocalServerPort
	int port;

	@Test
	void missingTokenShouldAnswer401() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=public")) {
			assertThat(Problems.read(client, 401).get("detail").stringValue()).isEqualTo(
					"A token is required: send it as query parameter 'token' or as an 'Authorization: Bearer' header");
		}
	}

	@Test
	void rejectedTokenShouldAnswer401WithoutEchoingIt() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=public&token=wrong-" + SECRET)) {
			assertThat(Problems.read(client, 401).get("detail").stringValue()).isEqualTo("The token was rejected");
			assertThat(client.body()).doesNotContain(SECRET);
		}
	}

	@Test
	void authenticatorReasonShouldBeShown() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=public&token=expired")) {
			assertThat(Problems.read(client, 401).get("detail").stringValue())
				.isEqualTo("The token was rejected: token expired");
		}
	}

	@Test
	void otherAuthorizationSchemeShouldAnswer401() {
		try (SseTestClient client = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=public",
				Map.of("Authorization", "Basic " + SECRET))) {
			assertThat(Problems.read(client, 401).get("detail").stringValue()).contains("must be 'Bearer <token>'");
			assertThat(client.body()).doesNotContain(SECRET);
		}
	}

	@Test
	void tokenSentTwiceShouldAnswer400() {
		try (SseTestClient client = SseTestClient.get("127.0.0.1", this.port,
				"/evstream?channel=public&token=" + SECRET, Map.of("Authorization", "Bearer " + SECRET))) {
			assertThat(Problems.read(client, 400).get("detail").stringValue()).contains("send it once");
		}
	}

	@Test
	void forbiddenChannelShouldAnswer403() {
		try (SseTestClient client = SseTestClient.get(this.port,
				"/evstream?channel=public&channel=admin&token=" + SECRET)) {
			assertThat(Problems.read(client, 403).get("detail").stringValue())
				.isEqualTo("Not allowed to listen to channel 'admin'");
			assertThat(client.body()).doesNotContain(SECRET);
		}
	}

	@Test
	void queryTokenShouldOpenStream() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=public&token=" + SECRET)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.awaitEvent("connected", TIMEOUT).data()).contains("public");
			assertThat(client.body()).doesNotContain(SECRET);
		}
	}

	@Test
	void bearerTokenShouldOpenStream() {
		try (SseTestClient client = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=public",
				Map.of("Authorization", "Bearer " + SECRET))) {
			assertThat(client.status()).isEqualTo(200);
			client.awaitEvent("connected", TIMEOUT);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Security {

		@Bean
		Authenticator authenticator() {
			return (token) -> {
				if (token.equals("expired")) {
					return Mono.error(new EvAuthenticationException("token expired"));
				}
				return token.equals(SECRET) ? Mono.just(EvPrincipal.of("ann")) : Mono.empty();
			};
		}

		@Bean
		ChannelAuthorizer authorizer() {
			return (principal, channel) -> Mono.just(!channel.equals("admin"));
		}

	}

}
