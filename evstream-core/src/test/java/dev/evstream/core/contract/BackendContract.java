package dev.evstream.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.bus.DirectMessage;
import dev.evstream.core.bus.StateChanged;
import dev.evstream.core.bus.StateRemoved;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.ItemWriteResult.Outcome;
import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogHead;
import dev.evstream.core.store.LogSnapshot;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationClaim;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceMember;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StoredItem;
import dev.evstream.core.store.StoredState;
import dev.evstream.core.store.TicketStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every backend of the SPIs meets: the {@code EventBus}, the
 * {@code StateStore}, the {@code CollectionStore}, the {@code LogStore}, the
 * {@code OperationStore}, the {@code PresenceStore}, the {@code TicketStore} and the
 * {@code ChannelHistory} together, since writes publish their events atomically. A
 * backend is done when its subclass of this kit passes.
 */
public abstract class BackendContract {

	/**
	 * The history size backends under test are created with.
	 */
	public static final int HISTORY_SIZE = 5;

	protected static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The channel of the group most collection tests write to.
	 */
	protected static final String CHANNEL = "todos/g";

	/**
	 * The log most log tests append to, which is also its channel.
	 */
	protected static final String LOG = "claims";

	private Backend backend;

	private BusRecorder recorder;

	private Disposable subscription;

	/**
	 * Creates a fresh backend, isolated from the others (a new key prefix, for example).
	 * @return the backend
	 */
	protected abstract Backend createBackend();

	@BeforeEach
	void setUp() {
		this.backend = createBackend();
		this.recorder = new BusRecorder();
		this.subscription = this.backend.bus().subscribe(this.recorder);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.subscription.dispose();
		this.backend.close();
	}

	protected Backend backend() {
		return this.backend;
	}

	protected BusRecorder recorder() {
		return this.recorder;
	}

	// ---- bus

	@Test
	void publishShouldReachListenersWithFieldsIntact() {
		DirectMessage message = new DirectMessage("conn-1", null, "line one\nline two ✓ \"quoted\"", null);
		DirectMessage named = new DirectMessage("conn-2", "private", "x", "42");
		block(this.backend.bus().publish(message));
		block(this.backend.bus().publish(named));
		List<DirectMessage> received = awaitEvents(DirectMessage.class, 2);
		assertThat(received).containsExactly(message, named);
	}

	@Test
	void disposedListenerShouldReceiveNothing() {
		BusRecorder other = new BusRecorder();
		this.backend.bus().subscribe(other).dispose();
		block(this.backend.bus().publish(new DirectMessage("c", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(other.events()).isEmpty();
	}

	// ---- state store

	@Test
	void createShouldStoreVersionOneAndPublishCreation() {
		StoredState created = block(this.backend.stateStore().create(initial("a", "1")));
		assertThat(created).isEqualTo(initial("a", "1"));
		assertThat(block(this.backend.stateStore().get("a"))).isEqualTo(created);
		assertThat(awaitEvents(StateChanged.class, 1)).containsExactly(new StateChanged(created, true));
	}

	@Test
	void createWhenExistingShouldReturnItUntouchedAndPublishNothing() {
		StoredState first = block(this.backend.stateStore().create(initial("a", "1")));
		StoredState again = block(this.backend.stateStore().create(new StoredState("a", 1, "2", "value", "other")));
		assertThat(again).isEqualTo(first);
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(StateChanged.class)).hasSize(1);
	}

	@Test
	void getWhenMissingShouldBeEmpty() {
		assertThat(block(this.backend.stateStore().get("nothing"))).isNull();
	}

	@Test
	void compareAndSetWithExpectedVersionShouldBumpAndPublish() {
		block(this.backend.stateStore().create(initial("a", "1")));
		CompareAndSetResult result = block(this.backend.stateStore().compareAndSet("a", 1, "{\"n\":2}", null));
		assertThat(result.updated()).isTrue();
		assertThat(result.current()).isEqualTo(new StoredState("a", 2, "{\"n\":2}", "value", "inc-a"));
		assertThat(awaitEvents(StateChanged.class, 2).get(1)).isEqualTo(new StateChanged(result.current(), false));
	}

	@Test
	void compareAndSetWithStaleVersionShouldReturnCurrentAndWriteNothing() {
		block(this.backend.stateStore().create(initial("a", "1")));
		block(this.backend.stateStore().compareAndSet("a", 1, "2", null));
		CompareAndSetResult stale = block(this.backend.stateStore().compareAndSet("a", 1, "3", null));
		assertThat(stale.updated()).isFalse();
		assertThat(stale.current().version()).isEqualTo(2);
		assertThat(stale.current().json()).isEqualTo("2");
		assertThat(block(this.backend.stateStore().get("a")).json()).isEqualTo("2");
	}

	@Test
	void compareAndSetWithOperationIdShouldPublishItWithTheNewVersion() {
		block(this.backend.stateStore().create(initial("a", "1")));
		CompareAndSetResult result = block(this.backend.stateStore().compareAndSet("a", 1, "2", "op-1"));
		StoredState written = new StoredState("a", 2, "2", "value", "inc-a", "op-1");
		assertThat(result).isEqualTo(new CompareAndSetResult(true, written));
		assertThat(awaitEvents(StateChanged.class, 2).get(1)).isEqualTo(new StateChanged(written, false));
	}

	@Test
	void compareAndSetWithRetriedOperationIdShouldApplyItOnceWhateverCameBetween() {
		block(this.backend.stateStore().create(initial("a", "1")));
		block(this.backend.stateStore().compareAndSet("a", 1, "2", "op-1"));
		block(this.backend.stateStore().compareAndSet("a", 2, "3", null));
		CompareAndSetResult retried = block(this.backend.stateStore().compareAndSet("a", 1, "2", "op-1"));
		CompareAndSetResult again = block(this.backend.stateStore().compareAndSet("a", 3, "9", "op-1"));
		assertThat(retried.updated()).isTrue();
		assertThat(retried.current().version()).isEqualTo(3);
		assertThat(again.updated()).isTrue();
		assertThat(block(this.backend.stateStore().get("a")).json()).isEqualTo("3");
		assertThat(block(this.backend.stateStore().get("a")).version()).isEqualTo(3);
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(StateChanged.class)).hasSize(3);
	}

	@Test
	void compareAndSetWithOperationIdOfAnotherStateShouldApply() {
		block(this.backend.stateStore().create(initial("a", "1")));
		block(this.backend.stateStore().create(initial("b", "1")));
		block(this.backend.stateStore().compareAndSet("a", 1, "2", "op-1"));
		assertThat(block(this.backend.stateStore().compareAndSet("b", 1, "2", "op-1")).current().version())
			.isEqualTo(2);
	}

	@Test
	void compareAndSetWhenMissingShouldSaySo() {
		CompareAndSetResult result = block(this.backend.stateStore().compareAndSet("none", 1, "1", null));
		assertThat(result.updated()).isFalse();
		assertThat(result.missing()).isTrue();
	}

	@Test
	void concurrentCompareAndSetsShouldLetExactlyOneWinPerVersion() throws Exception {
		block(this.backend.stateStore().create(initial("race", "0")));
		int writers = 8;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<CompareAndSetResult>> results = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			String json = Integer.toString(i);
			results.add(pool.submit(() -> {
				start.await();
				return block(this.backend.stateStore().compareAndSet("race", 1, json, null));
			}));
		}
		start.countDown();
		int winners = 0;
		for (Future<CompareAndSetResult> result : results) {
			if (result.get(30, TimeUnit.SECONDS).updated()) {
				winners++;
			}
		}
		pool.shutdown();
		assertThat(winners).isEqualTo(1);
		assertThat(block(this.backend.stateStore().get("race")).version()).isEqualTo(2);
	}

	@Test
	void changesOfOneStateShouldArriveInVersionOrder() {
		block(this.backend.stateStore().create(initial("ordered", "0")));
		for (int version = 1; version <= 20; version++) {
			assertThat(
					block(this.backend.stateStore().compareAndSet("ordered", version, Integer.toString(version), null))
						.updated())
				.isTrue();
		}
		List<StateChanged> changes = awaitEvents(StateChanged.class, 21);
		assertThat(changes).extracting((change) -> change.state().version()).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void removeShouldDeleteAndPublish() {
		block(this.backend.stateStore().create(initial("gone", "1")));
		assertThat(block(this.backend.stateStore().remove("gone"))).isTrue();
		assertThat(block(this.backend.stateStore().get("gone"))).isNull();
		assertThat(awaitEvents(StateRemoved.class, 1)).containsExactly(new StateRemoved("gone"));
		assertThat(block(this.backend.stateStore().remove("gone"))).isFalse();
	}

	@Test
	void removeOfAnIncarnationShouldRemoveOnlyThatLifeAndPublishOnce() {
		block(this.backend.stateStore().create(initial("life", "1")));
		assertThat(block(this.backend.stateStore().remove("life", "inc-other"))).isFalse();
		assertThat(block(this.backend.stateStore().get("life"))).isEqualTo(initial("life", "1"));
		assertThat(block(this.backend.stateStore().remove("life", "inc-life"))).isTrue();
		assertThat(block(this.backend.stateStore().get("life"))).isNull();
		assertThat(block(this.backend.stateStore().remove("life", "inc-life"))).isFalse();
		assertThat(block(this.backend.stateStore().remove("never", "inc-never"))).isFalse();
		// published after the removals on the same bus: once it is here, so is every
		// removal that was published
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(StateRemoved.class)).containsExactly(new StateRemoved("life"));
	}

	@Test
	void removeOfAnOldIncarnationShouldKeepTheStateCreatedAgain() {
		block(this.backend.stateStore().create(initial("again", "1")));
		block(this.backend.stateStore().remove("again"));
		StoredState second = new StoredState("again", 1, "2", "value", "inc-again-2");
		block(this.backend.stateStore().create(second));
		assertThat(block(this.backend.stateStore().remove("again", "inc-again"))).isFalse();
		assertThat(block(this.backend.stateStore().get("again"))).isEqualTo(second);
	}

	@Test
	void removeOfRemovedIncarnationShouldNotLetItBeRestored() {
		StoredState state = block(this.backend.stateStore().create(initial("ended", "1")));
		block(this.backend.stateStore().remove("ended", state.incarnation()));
		assertThat(block(this.backend.stateStore().restore(state))).isNull();
		assertThat(block(this.backend.stateStore().get("ended"))).isNull();
	}

	@Test
	void concurrentRemovesOfOneIncarnationShouldRemoveItOnce() throws Exception {
		block(this.backend.stateStore().create(initial("expiring", "0")));
		int removers = 8;
		ExecutorService pool = Executors.newFixedThreadPool(removers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Boolean>> results = new ArrayList<>();
		for (int i = 0; i < removers; i++) {
			results.add(pool.submit(() -> {
				start.await();
				return block(this.backend.stateStore().remove("expiring", "inc-expiring"));
			}));
		}
		start.countDown();
		int removed = 0;
		for (Future<Boolean> result : results) {
			if (result.get(30, TimeUnit.SECONDS)) {
				removed++;
			}
		}
		pool.shutdown();
		assertThat(removed).isEqualTo(1);
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(StateRemoved.class)).containsExactly(new StateRemoved("expiring"));
	}

	@Test
	void restoreOfRemovedStateShouldNotPutItBack() {
		StoredState state = block(this.backend.stateStore().create(initial("gone", "1")));
		block(this.backend.stateStore().remove("gone"));
		assertThat(block(this.backend.stateStore().restore(state))).isNull();
		assertThat(block(this.backend.stateStore().get("gone"))).isNull();
	}

	@Test
	void restoreOfExistingStateShouldKeepTheStoredOne() {
		block(this.backend.stateStore().create(initial("kept", "1")));
		block(this.backend.stateStore().compareAndSet("kept", 1, "2", null));
		StoredState stale = initial("kept", "1");
		assertThat(block(this.backend.stateStore().restore(stale)).version()).isEqualTo(2);
	}

	@Test
	void getAllShouldListEveryState() {
		block(this.backend.stateStore().create(initial("x", "1")));
		block(this.backend.stateStore().create(initial("y", "\"two\"")));
		assertThat(this.backend.stateStore().getAll().collectList().block(TIMEOUT)).extracting(StoredState::key)
			.containsExactlyInAnyOrder("x", "y");
	}

	// ---- channel history

	@Test
	void headAndReadOfAChannelNeverSentToShouldCreateNothing() {
		assertThat(block(this.backend.channelHistory().head("quiet"))).isEqualTo(ChannelHistory.NO_SEQUENCE);
		HistorySlice fromStart = block(this.backend.channelHistory().readAfter("quiet", ChannelHistory.NO_SEQUENCE));
		assertThat(fromStart).isEqualTo(new HistorySlice(ChannelHistory.NO_SEQUENCE, List.of(), true));
		HistorySlice fromElsewhere = block(this.backend.channelHistory().readAfter("quiet", 12345));
		assertThat(fromElsewhere).isEqualTo(new HistorySlice(ChannelHistory.NO_SEQUENCE, List.of(), false));
		assertThat(block(this.backend.channelHistory().head("quiet"))).isEqualTo(ChannelHistory.NO_SEQUENCE);
	}

	@Test
	void appendShouldGiveConsecutiveSequencesAndPublishInOrder() {
		long first = block(this.backend.channelHistory().append("news", "breaking", "one"));
		long second = block(this.backend.channelHistory().append("news", null, "two\nlines"));
		assertThat(first).isGreaterThan(ChannelHistory.NO_SEQUENCE);
		assertThat(second).isEqualTo(first + 1);
		assertThat(block(this.backend.channelHistory().head("news"))).isEqualTo(second);
		assertThat(awaitEvents(ChannelMessage.class, 2)).containsExactly(
				new ChannelMessage("news", first, "breaking", "one"),
				new ChannelMessage("news", second, null, "two\nlines"));
	}

	@Test
	void readAfterShouldReturnWhatFollowsInOrder() {
		long first = block(this.backend.channelHistory().append("feed", null, "m1"));
		for (int i = 2; i <= 3; i++) {
			block(this.backend.channelHistory().append("feed", null, "m" + i));
		}
		HistorySlice slice = block(this.backend.channelHistory().readAfter("feed", first));
		assertThat(slice.complete()).isTrue();
		assertThat(slice.head()).isEqualTo(first + 2);
		assertThat(slice.messages()).extracting(ChannelMessage::data).containsExactly("m2", "m3");
		HistorySlice none = block(this.backend.channelHistory().readAfter("feed", first + 2));
		assertThat(none.complete()).isTrue();
		assertThat(none.messages()).isEmpty();
	}

	@Test
	void readAfterNoSequenceShouldReturnEverythingSinceTheSequenceStarted() {
		for (int i = 1; i <= 3; i++) {
			block(this.backend.channelHistory().append("born", null, "m" + i));
		}
		HistorySlice slice = block(this.backend.channelHistory().readAfter("born", ChannelHistory.NO_SEQUENCE));
		assertThat(slice.complete()).isTrue();
		assertThat(slice.messages()).extracting(ChannelMessage::data).containsExactly("m1", "m2", "m3");
	}

	@Test
	void readAfterBeyondTheWindowShouldBeIncomplete() {
		long first = block(this.backend.channelHistory().append("busy", null, "m1"));
		for (int i = 2; i <= HISTORY_SIZE * 3; i++) {
			block(this.backend.channelHistory().append("busy", null, "m" + i));
		}
		HistorySlice slice = block(this.backend.channelHistory().readAfter("busy", first));
		assertThat(slice.complete()).isFalse();
		assertThat(slice.head()).isEqualTo(first + HISTORY_SIZE * 3 - 1);
		assertThat(block(this.backend.channelHistory().readAfter("busy", ChannelHistory.NO_SEQUENCE)).complete())
			.isFalse();
		HistorySlice recent = block(this.backend.channelHistory().readAfter("busy", slice.head() - 2));
		assertThat(recent.complete()).isTrue();
		assertThat(recent.messages()).extracting(ChannelMessage::data)
			.containsExactly("m" + (HISTORY_SIZE * 3 - 1), "m" + (HISTORY_SIZE * 3));
	}

	@Test
	void readAfterAPositionAheadOfTheHeadShouldBeIncomplete() {
		long head = block(this.backend.channelHistory().append("ahead", null, "m"));
		HistorySlice slice = block(this.backend.channelHistory().readAfter("ahead", head + 100));
		assertThat(slice.complete()).isFalse();
		assertThat(slice.head()).isEqualTo(head);
	}

	@Test
	void readAfterAPositionOfAnotherEpochShouldBeIncomplete() {
		long head = block(this.backend.channelHistory().append("epoch", null, "m"));
		assertThat(block(this.backend.channelHistory().readAfter("epoch", head - 10)).complete()).isFalse();
	}

	@Test
	void concurrentAppendsShouldNeverShareASequence() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<Long>> sequences = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			String data = "m" + i;
			sequences.add(pool.submit(() -> block(this.backend.channelHistory().append("shared", null, data))));
		}
		List<Long> assigned = new ArrayList<>();
		for (Future<Long> sequence : sequences) {
			assigned.add(sequence.get(30, TimeUnit.SECONDS));
		}
		pool.shutdown();
		assertThat(assigned).doesNotHaveDuplicates();
		assertThat(assigned.stream().mapToLong(Long::longValue).max().getAsLong()
				- assigned.stream().mapToLong(Long::longValue).min().getAsLong())
			.isEqualTo(99);
		List<ChannelMessage> published = awaitEvents(ChannelMessage.class, 100);
		assertThat(published).extracting(ChannelMessage::sequence).isSorted();
	}

	// ---- collection store

	@Test
	void writeShouldCreateUpdateAndDeleteWithVersions() {
		ItemWriteResult created = block(items().write(set("a", 0, "{\"n\":1}", null)));
		assertThat(created.outcome()).isEqualTo(Outcome.WRITTEN);
		assertThat(created.item()).isEqualTo(new StoredItem("a", 1, "{\"n\":1}"));
		assertThat(created.sequence()).isGreaterThan(ChannelHistory.NO_SEQUENCE);
		ItemWriteResult updated = block(items().write(set("a", 1, "{\"n\":2}", null)));
		assertThat(updated.item()).isEqualTo(new StoredItem("a", 2, "{\"n\":2}"));
		assertThat(updated.sequence()).isEqualTo(created.sequence() + 1);
		assertThat(block(items().get("todos", "g", "a"))).isEqualTo(updated.item());
		ItemWriteResult deleted = block(items().write(delete("a", 2, null)));
		assertThat(deleted).isEqualTo(new ItemWriteResult(Outcome.WRITTEN, null, created.sequence() + 2));
		assertThat(block(items().get("todos", "g", "a"))).isNull();
		assertThat(block(items().write(set("a", 0, "{\"n\":3}", null))).item())
			.isEqualTo(new StoredItem("a", 1, "{\"n\":3}"));
	}

	@Test
	void writeWithStaleVersionShouldConflictWithTheCurrentItemAndAppendNothing() {
		StoredItem current = block(items().write(set("a", 0, "1", null))).item();
		long head = block(this.backend.channelHistory().head(CHANNEL));
		assertThat(block(items().write(set("a", 0, "2", null))))
			.isEqualTo(new ItemWriteResult(Outcome.CONFLICT, current, 0));
		assertThat(block(items().write(set("a", 7, "2", null))))
			.isEqualTo(new ItemWriteResult(Outcome.CONFLICT, current, 0));
		assertThat(block(items().write(delete("a", 2, null))))
			.isEqualTo(new ItemWriteResult(Outcome.CONFLICT, current, 0));
		assertThat(block(items().write(set("none", 1, "2", null))))
			.isEqualTo(new ItemWriteResult(Outcome.CONFLICT, null, 0));
		assertThat(block(items().write(delete("none", 1, null))))
			.isEqualTo(new ItemWriteResult(Outcome.CONFLICT, null, 0));
		assertThat(block(items().get("todos", "g", "a"))).isEqualTo(current);
		assertThat(block(this.backend.channelHistory().head(CHANNEL))).isEqualTo(head);
	}

	@Test
	void writeCreatingInAFullGroupShouldBeRefusedAndWriteNothing() {
		block(items().write(new ItemWrite("todos", "g", "a", 0, "1", "m", null, 2)));
		block(items().write(new ItemWrite("todos", "g", "b", 0, "1", "m", null, 2)));
		long head = block(this.backend.channelHistory().head(CHANNEL));
		assertThat(block(items().write(new ItemWrite("todos", "g", "c", 0, "1", "m", null, 2))))
			.isEqualTo(new ItemWriteResult(Outcome.GROUP_FULL, null, 0));
		assertThat(block(items().get("todos", "g", "c"))).isNull();
		assertThat(block(this.backend.channelHistory().head(CHANNEL))).isEqualTo(head);
		assertThat(block(items().write(new ItemWrite("todos", "g", "a", 1, "2", "m", null, 2))).outcome())
			.isEqualTo(Outcome.WRITTEN);
		assertThat(block(items().write(new ItemWrite("todos", "other", "c", 0, "1", "m", null, 2))).outcome())
			.isEqualTo(Outcome.WRITTEN);
	}

	@Test
	void writeWithRepeatedOperationIdShouldWriteNothingAndAppendNothing() {
		StoredItem written = block(items().write(set("a", 0, "1", "op-1"))).item();
		block(items().write(set("b", 0, "1", null)));
		long head = block(this.backend.channelHistory().head(CHANNEL));
		assertThat(block(items().write(set("a", 0, "1", "op-1"))))
			.isEqualTo(new ItemWriteResult(Outcome.REPEATED, written, 0));
		assertThat(block(items().write(set("a", 1, "2", "op-1"))))
			.isEqualTo(new ItemWriteResult(Outcome.REPEATED, written, 0));
		assertThat(block(items().write(delete("b", 1, "op-1"))))
			.isEqualTo(new ItemWriteResult(Outcome.REPEATED, new StoredItem("b", 1, "1"), 0));
		assertThat(block(items().get("todos", "g", "a"))).isEqualTo(written);
		assertThat(block(this.backend.channelHistory().head(CHANNEL))).isEqualTo(head);
		assertThat(block(items().write(new ItemWrite("todos", "other", "a", 0, "1", "m", "op-1", 0))).outcome())
			.isEqualTo(Outcome.WRITTEN);
	}

	@Test
	void snapshotShouldHoldTheItemsAndTheHeadOfTheChannel() {
		assertThat(block(items().snapshot("todos", "g")))
			.isEqualTo(new GroupSnapshot(ChannelHistory.NO_SEQUENCE, List.of()));
		block(items().write(set("a", 0, "{\"x\":\"line\\nbreak ✓\"}", null)));
		block(items().write(set("b", 0, "[1,2]", null)));
		block(items().write(set("c", 0, "3", null)));
		block(items().write(delete("c", 1, null)));
		long last = block(items().write(set("b", 1, "[1,2,3]", null))).sequence();
		GroupSnapshot snapshot = block(items().snapshot("todos", "g"));
		assertThat(snapshot.sequence()).isEqualTo(last);
		assertThat(snapshot.sequence()).isEqualTo(block(this.backend.channelHistory().head(CHANNEL)));
		assertThat(snapshot.items()).containsExactlyInAnyOrder(new StoredItem("a", 1, "{\"x\":\"line\\nbreak ✓\"}"),
				new StoredItem("b", 2, "[1,2,3]"));
		assertThat(block(items().snapshot("todos", "other")).items()).isEmpty();
	}

	@Test
	void everyWriteShouldAppendOneMessageNamedAfterTheChannel() {
		long first = block(items().write(new ItemWrite("todos", "g", "a", 0, "1", "created\nline two", null, 0)))
			.sequence();
		block(items().write(new ItemWrite("todos", "g", "a", 1, "2", "updated", null, 0)));
		block(items().write(new ItemWrite("todos", "g", "a", 2, null, "deleted", null, 0)));
		List<ChannelMessage> expected = List.of(new ChannelMessage(CHANNEL, first, CHANNEL, "created\nline two"),
				new ChannelMessage(CHANNEL, first + 1, CHANNEL, "updated"),
				new ChannelMessage(CHANNEL, first + 2, CHANNEL, "deleted"));
		assertThat(awaitEvents(ChannelMessage.class, 3)).containsExactlyElementsOf(expected);
		assertThat(block(this.backend.channelHistory().readAfter(CHANNEL, first - 1)).messages())
			.containsExactlyElementsOf(expected);
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(ChannelMessage.class)).hasSize(3);
	}

	@Test
	void groupsShouldListOnlyTheGroupsHoldingItems() {
		assertThat(block(items().groups("todos").collectList())).isEmpty();
		block(items().write(new ItemWrite("todos", "one", "a", 0, "1", "m", null, 0)));
		block(items().write(new ItemWrite("todos", "two", "a", 0, "1", "m", null, 0)));
		block(items().write(new ItemWrite("todos", "two", "b", 0, "1", "m", null, 0)));
		block(items().write(new ItemWrite("notes", "three", "a", 0, "1", "m", null, 0)));
		block(items().send("todos", "events-only", "hello"));
		assertThat(block(items().groups("todos").collectList())).containsExactlyInAnyOrder("one", "two");
		block(items().write(new ItemWrite("todos", "two", "a", 1, null, "m", null, 0)));
		assertThat(block(items().groups("todos").collectList())).containsExactlyInAnyOrder("one", "two");
		block(items().write(new ItemWrite("todos", "two", "b", 1, null, "m", null, 0)));
		assertThat(block(items().groups("todos").collectList())).containsExactly("one");
		assertThat(block(items().groups("notes").collectList())).containsExactly("three");
	}

	@Test
	void sendShouldAppendInOrderWithWrites() {
		long first = block(items().write(new ItemWrite("todos", "g", "a", 0, "1", "w1", null, 0))).sequence();
		long sent = block(items().send("todos", "g", "{\"op\":\"event\"}"));
		long last = block(items().write(new ItemWrite("todos", "g", "a", 1, "2", "w2", null, 0))).sequence();
		assertThat(sent).isEqualTo(first + 1);
		assertThat(last).isEqualTo(first + 2);
		assertThat(awaitEvents(ChannelMessage.class, 3)).containsExactly(
				new ChannelMessage(CHANNEL, first, CHANNEL, "w1"),
				new ChannelMessage(CHANNEL, sent, CHANNEL, "{\"op\":\"event\"}"),
				new ChannelMessage(CHANNEL, last, CHANNEL, "w2"));
		assertThat(block(items().snapshot("todos", "g")).sequence()).isEqualTo(last);
	}

	@Test
	void concurrentWritersRetryingOnConflictShouldCountEveryWrite() throws Exception {
		block(items().write(set("counter", 0, "0", null)));
		int writers = 8;
		int increments = 25;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> conflicts = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			conflicts.add(pool.submit(() -> {
				start.await();
				int lost = 0;
				for (int n = 0; n < increments; n++) {
					StoredItem current = block(items().get("todos", "g", "counter"));
					while (true) {
						String next = Long.toString(Long.parseLong(current.json()) + 1);
						ItemWriteResult result = block(items().write(set("counter", current.version(), next, null)));
						if (result.outcome() == Outcome.WRITTEN) {
							break;
						}
						assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
						lost++;
						current = result.item();
					}
				}
				return lost;
			}));
		}
		start.countDown();
		for (Future<Integer> conflict : conflicts) {
			conflict.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		int total = writers * increments;
		assertThat(block(items().get("todos", "g", "counter")))
			.isEqualTo(new StoredItem("counter", total + 1, Integer.toString(total)));
		List<ChannelMessage> messages = awaitEvents(ChannelMessage.class, total + 1);
		assertThat(messages).extracting(ChannelMessage::sequence).isSorted().doesNotHaveDuplicates();
		assertThat(block(items().snapshot("todos", "g")).sequence()).isEqualTo(messages.get(total).sequence());
	}

	// ---- log store

	@Test
	void appendShouldMoveTheHeadAndKeepTheEvent() {
		assertThat(block(logs().head(LOG))).isEqualTo(LogHead.EMPTY);
		assertThat(block(logs().append(logAppend(0, 1, null))))
			.isEqualTo(new LogAppendResult(LogAppendResult.Outcome.APPENDED, new LogHead(1, logState(1)), 1));
		assertThat(block(logs().append(logAppend(1, 2, null))))
			.isEqualTo(new LogAppendResult(LogAppendResult.Outcome.APPENDED, new LogHead(2, logState(2)), 2));
		assertThat(block(logs().head(LOG))).isEqualTo(new LogHead(2, logState(2)));
		assertThat(block(logs().snapshot(LOG)).events()).containsExactly(logEvent(1), logEvent(2));
		assertThat(block(logs().head("other"))).isEqualTo(LogHead.EMPTY);
	}

	@Test
	void appendAtAStaleSequenceShouldConflictWithTheCurrentHeadAndAppendNothing() {
		assertThat(block(logs().append(logAppend(3, 1, null))))
			.isEqualTo(new LogAppendResult(LogAppendResult.Outcome.CONFLICT, LogHead.EMPTY, 0));
		block(logs().append(logAppend(0, 1, null)));
		block(logs().append(logAppend(1, 2, null)));
		long channelHead = block(this.backend.channelHistory().head(LOG));
		LogHead head = new LogHead(2, logState(2));
		LogAppendResult conflict = new LogAppendResult(LogAppendResult.Outcome.CONFLICT, head, 0);
		assertThat(block(logs().append(logAppend(1, 9, null)))).isEqualTo(conflict);
		assertThat(block(logs().append(logAppend(0, 9, "e-9")))).isEqualTo(conflict);
		assertThat(block(logs().append(logAppend(7, 9, null)))).isEqualTo(conflict);
		assertThat(block(logs().head(LOG))).isEqualTo(head);
		assertThat(block(logs().snapshot(LOG)).events()).containsExactly(logEvent(1), logEvent(2));
		assertThat(block(this.backend.channelHistory().head(LOG))).isEqualTo(channelHead);
		assertThat(block(logs().append(logAppend(2, 3, "e-9"))).outcome()).isEqualTo(LogAppendResult.Outcome.APPENDED);
	}

	@Test
	void appendWithARepeatedEventIdShouldAnswerTheFirstSequenceAndAppendNothing() {
		block(logs().append(logAppend(0, 1, "e-1")));
		block(logs().append(logAppend(1, 2, null)));
		long channelHead = block(this.backend.channelHistory().head(LOG));
		LogHead head = new LogHead(2, logState(2));
		LogAppendResult repeated = new LogAppendResult(LogAppendResult.Outcome.REPEATED, head, 1);
		assertThat(block(logs().append(logAppend(2, 3, "e-1")))).isEqualTo(repeated);
		assertThat(block(logs().append(logAppend(0, 1, "e-1")))).isEqualTo(repeated);
		assertThat(block(logs().sequenceOf(LOG, "e-1"))).isEqualTo(1);
		assertThat(block(logs().sequenceOf(LOG, "e-2"))).isNull();
		assertThat(block(logs().head(LOG))).isEqualTo(head);
		assertThat(block(logs().snapshot(LOG)).events()).containsExactly(logEvent(1), logEvent(2));
		assertThat(block(this.backend.channelHistory().head(LOG))).isEqualTo(channelHead);
		assertThat(block(logs().append(new LogAppend("other", 0, logState(1), logEvent(1), "m", "e-1", 0))))
			.isEqualTo(new LogAppendResult(LogAppendResult.Outcome.APPENDED, new LogHead(1, logState(1)), 1));
		assertThat(block(logs().sequenceOf("other", "e-1"))).isEqualTo(1);
	}

	@Test
	void logSnapshotShouldHoldTheBaseTheEventsAndTheHeadOfTheChannel() {
		assertThat(block(logs().snapshot(LOG)))
			.isEqualTo(new LogSnapshot(ChannelHistory.NO_SEQUENCE, LogHead.EMPTY, List.of()));
		String event = "{\"text\":\"line\\nbreak ✓\"}";
		block(logs().append(new LogAppend(LOG, 0, "[1]", event, "m1", null, 0)));
		block(logs().append(new LogAppend(LOG, 1, "[1,2]", "[2]", "m2", null, 0)));
		block(logs().append(new LogAppend(LOG, 2, "[1,2,3]", "null", "m3", null, 0)));
		LogSnapshot snapshot = block(logs().snapshot(LOG));
		assertThat(snapshot.channelSequence()).isEqualTo(block(this.backend.channelHistory().head(LOG)))
			.isGreaterThan(ChannelHistory.NO_SEQUENCE);
		assertThat(snapshot.base()).isEqualTo(LogHead.EMPTY);
		assertThat(snapshot.events()).containsExactly(event, "[2]", "null");
		assertThat(block(this.backend.channelHistory().readAfter(LOG, snapshot.channelSequence())).messages())
			.isEmpty();
		assertThat(block(logs().snapshot("other")))
			.isEqualTo(new LogSnapshot(ChannelHistory.NO_SEQUENCE, LogHead.EMPTY, List.of()));
	}

	@Test
	void everyAppendShouldAppendOneMessageNamedAfterTheLog() {
		block(logs().append(new LogAppend(LOG, 0, logState(1), logEvent(1), "appended\nline two", null, 0)));
		block(logs().append(logAppend(1, 2, "e-2")));
		block(logs().append(logAppend(1, 9, null)));
		block(logs().append(logAppend(2, 9, "e-2")));
		block(logs().append(logAppend(2, 3, null)));
		long head = block(this.backend.channelHistory().head(LOG));
		List<ChannelMessage> expected = List.of(new ChannelMessage(LOG, head - 2, LOG, "appended\nline two"),
				new ChannelMessage(LOG, head - 1, LOG, logMessage(2)),
				new ChannelMessage(LOG, head, LOG, logMessage(3)));
		assertThat(awaitEvents(ChannelMessage.class, 3)).containsExactlyElementsOf(expected);
		assertThat(block(this.backend.channelHistory().readAfter(LOG, head - 3)).messages())
			.containsExactlyElementsOf(expected);
		block(this.backend.bus().publish(new DirectMessage("marker", null, "x", null)));
		awaitEvents(DirectMessage.class, 1);
		assertThat(this.recorder.events(ChannelMessage.class)).hasSize(3);
	}

	@Test
	void appendLeavingMoreEventsThanAllowedShouldCompactToTheNewHead() {
		for (int n = 1; n <= 3; n++) {
			block(logs().append(logAppend(n - 1, n, null, 3)));
		}
		LogSnapshot full = block(logs().snapshot(LOG));
		assertThat(full.base()).isEqualTo(LogHead.EMPTY);
		assertThat(full.events()).containsExactly(logEvent(1), logEvent(2), logEvent(3));
		assertThat(block(logs().append(logAppend(3, 4, null, 3))))
			.isEqualTo(new LogAppendResult(LogAppendResult.Outcome.APPENDED, new LogHead(4, logState(4)), 4));
		LogSnapshot compacted = block(logs().snapshot(LOG));
		assertThat(compacted.base()).isEqualTo(new LogHead(4, logState(4)));
		assertThat(compacted.events()).isEmpty();
		assertThat(compacted.channelSequence()).isEqualTo(block(this.backend.channelHistory().head(LOG)));
		block(logs().append(logAppend(4, 5, null, 3)));
		block(logs().append(logAppend(5, 6, null, 3)));
		LogSnapshot after = block(logs().snapshot(LOG));
		assertThat(after.base()).isEqualTo(new LogHead(4, logState(4)));
		assertThat(after.events()).containsExactly(logEvent(5), logEvent(6));
		assertThat(block(logs().head(LOG))).isEqualTo(new LogHead(6, logState(6)));
		assertThat(awaitEvents(ChannelMessage.class, 6)).extracting(ChannelMessage::data)
			.containsExactly(logMessage(1), logMessage(2), logMessage(3), logMessage(4), logMessage(5), logMessage(6));
	}

	@Test
	void concurrentAppendersRetryingOnConflictShouldAllLandInOneOrder() throws Exception {
		int appenders = 8;
		int events = 15;
		ExecutorService pool = Executors.newFixedThreadPool(appenders);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<String>>> appended = new ArrayList<>();
		for (int i = 0; i < appenders; i++) {
			String appender = "a" + i;
			appended.add(pool.submit(() -> {
				start.await();
				List<String> mine = new ArrayList<>();
				for (int n = 0; n < events; n++) {
					String event = "\"" + appender + "-" + n + "\"";
					LogHead head = block(logs().head(LOG));
					while (true) {
						String next = Long.toString(head.sequence() + 1);
						LogAppendResult result = block(
								logs().append(new LogAppend(LOG, head.sequence(), next, event, event, null, 0)));
						if (result.outcome() == LogAppendResult.Outcome.APPENDED) {
							break;
						}
						assertThat(result.outcome()).isEqualTo(LogAppendResult.Outcome.CONFLICT);
						head = result.head();
					}
					mine.add(event);
				}
				return mine;
			}));
		}
		start.countDown();
		List<List<String>> byAppender = new ArrayList<>();
		for (Future<List<String>> future : appended) {
			byAppender.add(future.get(60, TimeUnit.SECONDS));
		}
		pool.shutdown();
		int total = appenders * events;
		assertThat(block(logs().head(LOG))).isEqualTo(new LogHead(total, Integer.toString(total)));
		LogSnapshot snapshot = block(logs().snapshot(LOG));
		assertThat(snapshot.events()).hasSize(total)
			.containsExactlyInAnyOrderElementsOf(byAppender.stream().flatMap(List::stream).toList());
		for (List<String> mine : byAppender) {
			assertThat(snapshot.events()).containsSubsequence(mine);
		}
		List<ChannelMessage> messages = awaitEvents(ChannelMessage.class, total);
		assertThat(messages).extracting(ChannelMessage::data).containsExactlyElementsOf(snapshot.events());
		assertThat(messages).extracting(ChannelMessage::sequence).isSorted().doesNotHaveDuplicates();
		assertThat(snapshot.channelSequence()).isEqualTo(messages.get(total - 1).sequence());
	}

	@Test
	void claimingAFreeOperationIdShouldHoldItForOthersUntilCompleted() {
		assertThat(block(operations().claim("todos", "op-1", Duration.ofMinutes(1)))).isEqualTo(OperationClaim.CLAIMED);
		assertThat(block(operations().claim("todos", "op-1", Duration.ofMinutes(1)))).isEqualTo(OperationClaim.RUNNING);
		assertThat(block(operations().claim("notes", "op-1", Duration.ofMinutes(1)))).isEqualTo(OperationClaim.CLAIMED);
		block(operations().complete("todos", "op-1", "{\"records\":[]}"));
		assertThat(block(operations().claim("todos", "op-1", Duration.ofMinutes(1))))
			.isEqualTo(OperationClaim.completed("{\"records\":[]}"));
	}

	@Test
	void releasedOperationIdShouldBeFreeAgain() {
		assertThat(block(operations().claim("todos", "op-2", Duration.ofMinutes(1)))).isEqualTo(OperationClaim.CLAIMED);
		block(operations().release("todos", "op-2"));
		assertThat(block(operations().claim("todos", "op-2", Duration.ofMinutes(1)))).isEqualTo(OperationClaim.CLAIMED);
	}

	@Test
	void claimNeitherCompletedNorReleasedShouldEndByItself() throws InterruptedException {
		assertThat(block(operations().claim("todos", "op-3", Duration.ofMillis(200))))
			.isEqualTo(OperationClaim.CLAIMED);
		OperationClaim claim = poll(() -> block(operations().claim("todos", "op-3", Duration.ofMinutes(1))),
				(next) -> next != OperationClaim.RUNNING);
		assertThat(claim).isEqualTo(OperationClaim.CLAIMED);
	}

	@Test
	void concurrentClaimsOfOneIdShouldLetExactlyOneRun() throws Exception {
		int claimers = 8;
		ExecutorService pool = Executors.newFixedThreadPool(claimers);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<OperationClaim>> claims = new ArrayList<>();
		for (int i = 0; i < claimers; i++) {
			claims.add(pool.submit(() -> {
				start.await();
				return block(operations().claim("todos", "op-4", Duration.ofMinutes(1)));
			}));
		}
		start.countDown();
		List<OperationClaim> outcomes = new ArrayList<>();
		for (Future<OperationClaim> claim : claims) {
			outcomes.add(claim.get(30, TimeUnit.SECONDS));
		}
		pool.shutdown();
		assertThat(outcomes).containsOnlyOnce(OperationClaim.CLAIMED)
			.filteredOn((claim) -> claim != OperationClaim.CLAIMED)
			.containsOnly(OperationClaim.RUNNING);
	}

	// ---- presence store

	@Test
	void presenceAddShouldListAndCountTheChannelsMembers() {
		PresenceMember alice = member("room", "c-1", "Zoë \"quoted\" \\ line\nbreak\t✓", 1000, "instance-a");
		PresenceMember bob = member("room", "c-2", "bob", 1001, "instance-b");
		PresenceMember elsewhere = member("other", "c-1", "alice", 1002, "instance-a");
		block(presence().add(alice, Duration.ofMinutes(1)));
		block(presence().add(bob, Duration.ofMinutes(1)));
		block(presence().add(elsewhere, Duration.ofMinutes(1)));
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactly(alice, bob);
		assertThat(block(presence().count("room"))).isEqualTo(2);
		assertThat(presence().members("other").collectList().block(TIMEOUT)).containsExactly(elsewhere);
		assertThat(block(presence().count("other"))).isEqualTo(1);
		assertThat(presence().members("empty").collectList().block(TIMEOUT)).isEmpty();
		assertThat(block(presence().count("empty"))).isZero();
	}

	@Test
	void presenceAddOfAConnectionAlreadyMemberShouldKeepTheFirstMember() {
		PresenceMember first = member("room", "c-1", "alice", 1000, "instance-a");
		assertThat(block(presence().add(first, Duration.ofMinutes(1)))).isTrue();
		assertThat(block(presence().add(member("room", "c-1", "other", 2000, "instance-b"), Duration.ofMinutes(1))))
			.isFalse();
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactly(first);
		assertThat(block(presence().count("room"))).isEqualTo(1);
	}

	@Test
	void presenceRemoveShouldReturnTheMemberOnlyOnce() {
		PresenceMember alice = member("room", "c-1", "alice", 1000, "instance-a");
		PresenceMember bob = member("room", "c-2", "bob", 1001, "instance-a");
		block(presence().add(alice, Duration.ofMinutes(1)));
		block(presence().add(bob, Duration.ofMinutes(1)));
		assertThat(block(presence().remove("room", "c-1"))).isEqualTo(alice);
		assertThat(block(presence().remove("room", "c-1"))).isNull();
		assertThat(block(presence().remove("other", "c-2"))).isNull();
		assertThat(block(presence().remove("room", "c-9"))).isNull();
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactly(bob);
		assertThat(block(presence().count("room"))).isEqualTo(1);
		assertThat(block(presence().remove("room", "c-2"))).isEqualTo(bob);
		assertThat(presence().members("room").collectList().block(TIMEOUT)).isEmpty();
		assertThat(block(presence().count("room"))).isZero();
	}

	@Test
	void presenceMembersShouldBeInTheOrderTheyJoined() {
		List<PresenceMember> joined = new ArrayList<>();
		String[] connections = { "c-e", "c-a", "c-d", "c-b", "c-c" };
		for (int i = 0; i < connections.length; i++) {
			PresenceMember member = member("room", connections[i], "p" + i, 1000 + i, "instance-" + (i % 2));
			block(presence().add(member, Duration.ofMinutes(1)));
			joined.add(member);
		}
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactlyElementsOf(joined);
		block(presence().remove("room", "c-d"));
		joined.remove(2);
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactlyElementsOf(joined);
	}

	@Test
	void heartbeatShouldTellWhetherTheInstanceWasStillAlive() throws InterruptedException {
		assertThat(block(presence().heartbeat("instance-a", Duration.ofMinutes(1)))).isFalse();
		assertThat(block(presence().heartbeat("instance-a", Duration.ofMinutes(1)))).isTrue();
		block(presence().add(member("room", "c-1", "alice", 1000, "instance-b"), Duration.ofMinutes(1)));
		assertThat(block(presence().heartbeat("instance-b", Duration.ofMillis(1)))).isTrue();
		boolean alive = poll(() -> block(presence().heartbeat("instance-b", Duration.ofMillis(1))), (next) -> !next);
		assertThat(alive).isFalse();
	}

	@Test
	void evictDeadShouldKeepTheMembersOfAnInstanceThatMarksItselfAlive() throws InterruptedException {
		PresenceMember live = member("room", "c-1", "alice", 1000, "instance-live");
		PresenceMember dead = member("room", "c-2", "bob", 1001, "instance-dead");
		block(presence().add(live, Duration.ofMillis(200)));
		block(presence().heartbeat("instance-live", Duration.ofMinutes(1)));
		// marked after the live instance's first mark, for as long: once it ran out, so
		// did
		// that one
		block(presence().add(dead, Duration.ofMillis(200)));
		assertThat(awaitEvicted(1)).containsExactly(dead);
		assertThat(presence().evictDead().collectList().block(TIMEOUT)).isEmpty();
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactly(live);
		assertThat(block(presence().count("room"))).isEqualTo(1);
	}

	@Test
	void evictDeadShouldEvictTheMembersOfADeadInstanceInEveryChannel() throws InterruptedException {
		PresenceMember live = member("room-a", "c-1", "alice", 1000, "instance-live");
		block(presence().add(live, Duration.ofMinutes(1)));
		List<PresenceMember> dead = List.of(member("room-a", "c-2", "bob", 1001, "instance-dead"),
				member("room-b", "c-2", "bob", 1002, "instance-dead"),
				member("room-c", "c-3", "carol", 1003, "instance-dead"));
		for (PresenceMember member : dead) {
			block(presence().add(member, Duration.ofMillis(200)));
		}
		assertThat(awaitEvicted(dead.size())).containsExactlyInAnyOrderElementsOf(dead);
		assertThat(presence().members("room-a").collectList().block(TIMEOUT)).containsExactly(live);
		assertThat(presence().members("room-b").collectList().block(TIMEOUT)).isEmpty();
		assertThat(block(presence().count("room-c"))).isZero();
		assertThat(block(presence().remove("room-b", "c-2"))).isNull();
		assertThat(block(presence().remove("room-a", "c-1"))).isEqualTo(live);
	}

	@Test
	void concurrentEvictionsShouldGiveEachDeadMemberToExactlyOneCaller() throws Exception {
		PresenceMember live = member("room-a", "c-live", "alice", 1000, "instance-live");
		block(presence().add(live, Duration.ofMinutes(1)));
		List<PresenceMember> dead = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			dead.add(member("room-" + (char) ('a' + i % 3), "c-" + i, "p" + i, 1001 + i, "instance-dead-" + (i % 2)));
		}
		for (PresenceMember member : dead) {
			block(presence().add(member, Duration.ofMillis(200)));
		}
		int evictors = 8;
		ExecutorService pool = Executors.newFixedThreadPool(evictors);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger evictedSoFar = new AtomicInteger();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		List<Future<List<PresenceMember>>> evictions = new ArrayList<>();
		for (int i = 0; i < evictors; i++) {
			evictions.add(pool.submit(() -> {
				start.await();
				List<PresenceMember> mine = new ArrayList<>();
				while (evictedSoFar.get() < dead.size() && System.nanoTime() < deadline) {
					List<PresenceMember> evicted = presence().evictDead().collectList().block(TIMEOUT);
					mine.addAll(evicted);
					if (evictedSoFar.addAndGet(evicted.size()) < dead.size()) {
						Thread.sleep(10);
					}
				}
				return mine;
			}));
		}
		start.countDown();
		List<PresenceMember> evicted = new ArrayList<>();
		for (Future<List<PresenceMember>> eviction : evictions) {
			evicted.addAll(eviction.get(60, TimeUnit.SECONDS));
		}
		pool.shutdown();
		assertThat(evicted).containsExactlyInAnyOrderElementsOf(dead);
		assertThat(presence().evictDead().collectList().block(TIMEOUT)).isEmpty();
		assertThat(presence().members("room-a").collectList().block(TIMEOUT)).containsExactly(live);
		assertThat(block(presence().count("room-b"))).isZero();
		assertThat(block(presence().count("room-c"))).isZero();
		for (PresenceMember member : dead) {
			assertThat(block(presence().remove(member.channel(), member.connectionId()))).isNull();
		}
	}

	@Test
	void addAfterTheInstancesMarkRanOutShouldMarkItAliveAgain() throws InterruptedException {
		PresenceMember first = member("room", "c-1", "alice", 1000, "instance-a");
		block(presence().add(first, Duration.ofMillis(50)));
		// lets the mark run out with no eviction since: the next add finds the instance
		// not alive, whether its mark is gone or only out of date
		Thread.sleep(150);
		PresenceMember second = member("room", "c-2", "bob", 1001, "instance-a");
		block(presence().add(second, Duration.ofMinutes(1)));
		assertThat(presence().evictDead().collectList().block(TIMEOUT)).isEmpty();
		assertThat(presence().members("room").collectList().block(TIMEOUT)).containsExactly(first, second);
	}

	protected PresenceStore presence() {
		return this.backend.presenceStore();
	}

	// ---- ticket store

	@Test
	void takenTicketShouldGiveItsValueOnce() {
		assertThat(block(tickets().put("t-1", "{\"name\":\"alice\"}", Duration.ofMinutes(1)))).isTrue();
		assertThat(block(tickets().take("t-1"))).isEqualTo("{\"name\":\"alice\"}");
		assertThat(block(tickets().take("t-1"))).isNull();
		assertThat(block(replicaTickets().take("t-1"))).isNull();
	}

	@Test
	void ticketPutOnOneInstanceShouldBeTakenOnAnother() {
		assertThat(block(tickets().put("t-1", "value ✓ \"quoted\"\nline", Duration.ofMinutes(1)))).isTrue();
		assertThat(block(replicaTickets().take("t-1"))).isEqualTo("value ✓ \"quoted\"\nline");
		assertThat(block(tickets().take("t-1"))).isNull();
	}

	@Test
	void takeOfAnUnknownTicketShouldBeEmpty() {
		assertThat(block(tickets().take("t-unknown"))).isNull();
	}

	@Test
	void putOfAHeldTicketShouldKeepTheFirstValue() {
		assertThat(block(tickets().put("t-1", "first", Duration.ofMinutes(1)))).isTrue();
		assertThat(block(tickets().put("t-1", "second", Duration.ofMinutes(1)))).isFalse();
		assertThat(block(replicaTickets().put("t-1", "third", Duration.ofMinutes(1)))).isFalse();
		assertThat(block(tickets().take("t-1"))).isEqualTo("first");
	}

	@Test
	void ticketShouldBeHeldAgainOnceTaken() {
		block(tickets().put("t-1", "first", Duration.ofMinutes(1)));
		block(tickets().take("t-1"));
		assertThat(block(tickets().put("t-1", "second", Duration.ofMinutes(1)))).isTrue();
		assertThat(block(tickets().take("t-1"))).isEqualTo("second");
	}

	@Test
	void emptyValueShouldBeTakenAsEmptyNotAsNone() {
		block(tickets().put("t-1", "", Duration.ofMinutes(1)));
		assertThat(block(tickets().take("t-1"))).isEmpty();
		assertThat(block(tickets().take("t-1"))).isNull();
	}

	@Test
	void expiredTicketShouldNotBeTaken() throws InterruptedException {
		assertThat(block(tickets().put("t-expired", "old", Duration.ofMillis(200)))).isTrue();
		assertThat(block(tickets().put("t-probe", "probe", Duration.ofMillis(200)))).isTrue();
		// the probe is put again once it expired, which is never before the ticket put
		// earlier for as long: taking the ticket itself to find out would take it
		boolean probeExpired = poll(() -> block(tickets().put("t-probe", "again", Duration.ofMinutes(1))),
				(put) -> put);
		assertThat(probeExpired).isTrue();
		assertThat(block(tickets().take("t-expired"))).isNull();
		assertThat(block(replicaTickets().take("t-expired"))).isNull();
		assertThat(block(tickets().take("t-probe"))).isEqualTo("again");
	}

	@Test
	void expiredTicketShouldBeHeldAgainByTheNextPut() throws InterruptedException {
		assertThat(block(tickets().put("t-1", "old", Duration.ofMillis(200)))).isTrue();
		boolean expired = poll(() -> block(tickets().put("t-1", "new", Duration.ofMinutes(1))), (put) -> put);
		assertThat(expired).isTrue();
		assertThat(block(tickets().take("t-1"))).isEqualTo("new");
	}

	@Test
	void concurrentTakesOfOneTicketShouldGiveItsValueToExactlyOne() throws Exception {
		int takers = 16;
		for (int round = 0; round < 5; round++) {
			String ticket = "t-race-" + round;
			block(tickets().put(ticket, "value-" + round, Duration.ofMinutes(1)));
			ExecutorService pool = Executors.newFixedThreadPool(takers);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<@Nullable String>> takes = new ArrayList<>();
			for (int i = 0; i < takers; i++) {
				// half the takers on each instance
				TicketStore store = (i % 2 == 0) ? tickets() : replicaTickets();
				takes.add(pool.submit(() -> {
					start.await();
					return block(store.take(ticket));
				}));
			}
			start.countDown();
			List<@Nullable String> values = new ArrayList<>();
			for (Future<@Nullable String> take : takes) {
				values.add(take.get(30, TimeUnit.SECONDS));
			}
			pool.shutdown();
			assertThat(values).filteredOn(Objects::nonNull).containsExactly("value-" + round);
		}
	}

	protected TicketStore tickets() {
		return this.backend.ticketStore();
	}

	/**
	 * Returns the ticket store of another instance that shares the backend, with its own
	 * connections where the backend has any.
	 * @return the ticket store of another instance; this backend's own by default, for a
	 * backend of one process
	 */
	protected TicketStore replicaTickets() {
		return tickets();
	}

	protected static PresenceMember member(String channel, String connectionId, String principal, long joinedAt,
			String instance) {
		return new PresenceMember(channel, connectionId, principal, joinedAt, instance);
	}

	/**
	 * Calls {@code evictDead} until it evicted some members (their instance's mark has
	 * run out), and expects that many at once.
	 */
	private List<PresenceMember> awaitEvicted(int count) throws InterruptedException {
		List<PresenceMember> evicted = poll(() -> presence().evictDead().collectList().block(TIMEOUT),
				(next) -> !next.isEmpty());
		assertThat(evicted).hasSize(count);
		return evicted;
	}

	/**
	 * Reads a value again and again until it is what a test waits for, or the timeout
	 * passed; the caller asserts on what it got.
	 */
	private static <T> T poll(Supplier<T> read, Predicate<T> done) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		T value = read.get();
		while (!done.test(value) && System.nanoTime() < deadline) {
			Thread.sleep(20);
			value = read.get();
		}
		return value;
	}

	protected OperationStore operations() {
		return this.backend.operationStore();
	}

	protected LogStore logs() {
		return this.backend.logStore();
	}

	/**
	 * An append of the {@code n}th event of {@link #LOG}, kept whatever its length.
	 */
	protected static LogAppend logAppend(long expectedSequence, int n, @Nullable String eventId) {
		return logAppend(expectedSequence, n, eventId, 0);
	}

	protected static LogAppend logAppend(long expectedSequence, int n, @Nullable String eventId, int compactAbove) {
		return new LogAppend(LOG, expectedSequence, logState(n), logEvent(n), logMessage(n), eventId, compactAbove);
	}

	protected static String logState(int n) {
		return "{\"count\":" + n + "}";
	}

	protected static String logEvent(int n) {
		return "{\"type\":\"increment\",\"n\":" + n + "}";
	}

	protected static String logMessage(int n) {
		return "{\"op\":\"append\",\"n\":" + n + "}";
	}

	protected CollectionStore items() {
		return this.backend.collectionStore();
	}

	protected static ItemWrite set(String id, long expectedVersion, String json, @Nullable String operationId) {
		return new ItemWrite("todos", "g", id, expectedVersion, json, "set " + id, operationId, 0);
	}

	protected static ItemWrite delete(String id, long expectedVersion, @Nullable String operationId) {
		return new ItemWrite("todos", "g", id, expectedVersion, null, "delete " + id, operationId, 0);
	}

	protected static StoredState initial(String key, String json) {
		return new StoredState(key, 1, json, "value", "inc-" + key);
	}

	protected static <T> T block(Mono<T> mono) {
		return mono.block(TIMEOUT);
	}

	protected <T extends BusEvent> List<T> awaitEvents(Class<T> type, int count) {
		this.recorder.await((events) -> events.stream().filter(type::isInstance).count() >= count, TIMEOUT);
		return this.recorder.events(type);
	}

}
