package dev.evstream.spring.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients cannot send actions to record sets until the application defines an
 * {@code EvActionAuthorizer}; they can still read the records, and server code can still
 * act.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class RecordActionsWithoutAuthorizerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvRecords records;

	@Test
	void actionShouldAnswer403AndRunNothingWhileReadsAreAnswered() {
		AtomicInteger actions = new AtomicInteger();
		EvRecordSet<Label, Label> labels = this.records.register("labels",
				EvRecordSetModel.of(Label.class, Label.class)
					.id(Label::name)
					.version((label) -> 1)
					.loader((since) -> Flux.empty())
					.onAction((recordSet, action, principal) -> {
						actions.incrementAndGet();
						return Flux.just(action);
					}));
		WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		Problems.expect(
				http.post()
					.uri("/evstream/actions/labels")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"name\":\"urgent\"}"),
				403,
				"Record set 'labels' does not accept actions from clients: the application defines no EvActionAuthorizer");
		assertThat(actions).hasValue(0);
		http.get()
			.uri("/evstream/records/labels")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"records\":[]}", true);
		assertThat(labels.act(new Label("urgent"), EvPrincipal.of("server")).block(TIMEOUT))
			.containsExactly(new Label("urgent"));
		assertThat(actions).hasValue(1);
	}

	record Label(String name) {
	}

}
