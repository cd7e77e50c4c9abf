package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.core.auth.EvPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Merge patches of states, from the server and from clients, through the rules a state is
 * declared with.
 */
class EvStatePatchTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private static final EvPrincipal BOB = EvPrincipal.of("bob");

	private final EvStreamManager streams = Engines.streams().build();

	private final EvStateManager states = Engines.states(this.streams);

	@AfterEach
	void close() {
		this.states.close();
		this.streams.close();
	}

	@Test
	void patchShouldMergeMembersRemoveNullsAndReplaceArrays() {
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults());
		StepVerifier.create(form.patch(tree("{\"title\":\"New\",\"notes\":null,\"tags\":[\"b\"]}"), ANN))
			.expectNext(Map.of("title", "New", "tags", List.of("b")))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(form.version()).isEqualTo(2);
	}

	@Test
	void patchShouldGoThroughTheInterceptorWhichMayChangeIt() {
		List<String> seen = new ArrayList<>();
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults().interceptStateUpdate((patch, principal) -> {
			seen.add(principal.name() + " " + patch);
			((ObjectNode) patch).put("by", principal.name());
			return patch;
		}));
		form.patch(tree("{\"title\":\"New\"}"), ANN).block(TIMEOUT);
		assertThat(seen).containsExactly("ann {\"title\":\"New\"}");
		assertThat(form.get()).containsEntry("title", "New").containsEntry("by", "ann");
	}

	@Test
	void patchRefusedByTheInterceptorShouldStoreAndBroadcastNothing() {
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults()
			.interceptStateUpdate((patch, principal) -> principal.equals(ANN) ? patch : null));
		StreamRecorder recorder = listen("form");
		StepVerifier.create(form.patch(tree("{\"title\":\"Bob's\"}"), BOB))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvStateUpdateRefusedException.class)
				.hasMessage("The update of state 'form' was refused: the state's interceptor refused it"))
			.verify(TIMEOUT);
		assertThat(form.version()).isEqualTo(1);
		assertThat(form.get()).containsEntry("title", "");
		assertThat(recorder.events("form")).hasSize(1);
	}

	@Test
	void interceptorRefusingWithAReasonShouldPassTheReasonOn() {
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults().interceptStateUpdate((patch, principal) -> {
			throw new EvStateUpdateRefusedException("Titles are at most 80 characters");
		}));
		StepVerifier.create(form.patch(tree("{\"title\":\"x\"}"), ANN))
			.expectErrorMessage("Titles are at most 80 characters")
			.verify(TIMEOUT);
	}

	@Test
	void patchLeavingAValueOfAnotherTypeShouldBeRefused() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", Integer.class, 1);
		StepVerifier.create(counter.patch(tree("{\"n\":1}"), ANN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvStateUpdateRefusedException.class)
				.hasMessageStartingWith(
						"The update of state 'counter' was refused: the patch would leave a value that is not a Integer"))
			.verify(TIMEOUT);
		assertThat(counter.get()).isEqualTo(1);
		assertThat(counter.version()).isEqualTo(1);
	}

	@Test
	void broadcastShouldCarryTheVersionAndTheOperationIdOfAClientWrite() {
		form(EvStateOptions.defaults().withClientWrites());
		StreamRecorder recorder = listen("form");
		EvStateVersion written = this.states.patchFromClient("form", tree("{\"title\":\"A\"}"), ANN, "op-1")
			.block(TIMEOUT);
		assertThat(written.version()).isEqualTo(2);
		assertThat(written.operationId()).isEqualTo("op-1");
		assertThat(written.value()).isEqualTo(tree("{\"title\":\"A\",\"notes\":\"\"}"));
		assertThat(recorder.data("form")).containsExactly("{\"value\":{\"title\":\"\",\"notes\":\"\"},\"version\":1}",
				"{\"value\":{\"title\":\"A\",\"notes\":\"\"},\"version\":2,\"operationId\":\"op-1\"}");
	}

	@Test
	void clientWriteRetriedWithItsOperationIdShouldApplyOnce() {
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults().withClientWrites());
		this.states.patchFromClient("form", tree("{\"title\":\"A\"}"), ANN, "op-1").block(TIMEOUT);
		form.patch(tree("{\"title\":\"B\"}"), ANN).block(TIMEOUT);
		EvStateVersion retried = this.states.patchFromClient("form", tree("{\"title\":\"A\"}"), ANN, "op-1")
			.block(TIMEOUT);
		assertThat(retried.version()).isEqualTo(3);
		assertThat(retried.value().get("title").stringValue()).isEqualTo("B");
		assertThat(form.get()).containsEntry("title", "B");
		assertThat(form.version()).isEqualTo(3);
	}

	@Test
	void concurrentPatchesOfDifferentMembersShouldAllApply() {
		EvState<Map<String, Object>> form = form(EvStateOptions.defaults().withClientWrites());
		List<Mono<EvStateVersion>> writes = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			writes.add(this.states.patchFromClient("form", tree("{\"f" + i + "\":" + i + "}"), ANN, "op-" + i));
		}
		Mono.when(writes).block(TIMEOUT);
		for (int i = 0; i < 50; i++) {
			assertThat(form.get()).containsEntry("f" + i, i);
		}
		assertThat(form.version()).isEqualTo(51);
	}

	@Test
	void clientWriteShouldNeedTheStateToAcceptIt() {
		form(EvStateOptions.defaults());
		StepVerifier.create(this.states.patchFromClient("form", tree("{}"), ANN, null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvStateAccessDeniedException.class)
				.hasMessage("State 'form' does not accept writes from clients"))
			.verify(TIMEOUT);
	}

	@Test
	void clientWriteShouldNeedThePrincipalToBeAllowed() {
		form(EvStateOptions.defaults().withClientWrites().allowConnectingClient(ANN::equals));
		assertThat(this.states.allowsClient(ANN, "form")).isTrue();
		assertThat(this.states.allowsClient(BOB, "form")).isFalse();
		assertThat(this.states.allowsClient(BOB, "other")).isTrue();
		StepVerifier.create(this.states.patchFromClient("form", tree("{\"title\":\"x\"}"), BOB, null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvStateAccessDeniedException.class)
				.hasMessage("Not allowed to use state 'form'"))
			.verify(TIMEOUT);
	}

	@Test
	void clientWriteToAnUnknownStateShouldSaySo() {
		StepVerifier.create(this.states.patchFromClient("nothing", tree("{}"), ANN, null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvStateNotFoundException.class)
				.hasMessage("There is no state 'nothing'"))
			.verify(TIMEOUT);
	}

	@Test
	void clientWriteWithABadOperationIdShouldBeRefused() {
		form(EvStateOptions.defaults().withClientWrites());
		StepVerifier.create(this.states.patchFromClient("form", tree("{}"), ANN, "no spaces"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("operation id"))
			.verify(TIMEOUT);
	}

	@Test
	void declaringAStateAgainWithOtherRulesShouldFail() {
		form(EvStateOptions.defaults().withClientWrites());
		assertThatIllegalArgumentException().isThrownBy(() -> form(EvStateOptions.defaults().withClientWrites()))
			.withMessageContaining("other rules for clients");
	}

	@Test
	void dataKeysThatEventsUseThemselvesShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> EvStateOptions.dataKey("version"));
		assertThatIllegalArgumentException().isThrownBy(() -> EvStateOptions.dataKey("operationId"));
	}

	private EvState<Map<String, Object>> form(EvStateOptions options) {
		Map<String, Object> initial = new LinkedHashMap<>();
		initial.put("title", "");
		initial.put("notes", "");
		return this.states.createStateBlocking("form", new TypeReference<Map<String, Object>>() {
		}, initial, options);
	}

	private StreamRecorder listen(String channel) {
		EvStream stream = this.streams.createStream();
		stream.listen(channel);
		return StreamRecorder.read(stream);
	}

	private static JsonNode tree(String text) {
		return json.readTree(text);
	}

}
