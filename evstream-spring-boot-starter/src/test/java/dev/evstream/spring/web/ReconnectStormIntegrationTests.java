package dev.evstream.spring.web;

import dev.evstream.core.EvStreamManager;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Twenty clients that disconnect and resume fifty times each while a publisher sends
 * without pause, with the default history.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ReconnectStormIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void clientsReconnectingWhilePublishingShouldMissNothingAndGetNothingTwice() throws Exception {
		ReconnectStorm.run(this.streams, "storm", 20, 50, (attempt) -> this.port);
	}

}
