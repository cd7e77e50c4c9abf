package dev.evstream.core.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import dev.evstream.core.ChannelSnapshots.ChannelSnapshot;
import dev.evstream.core.EvException;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.OperationIds;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.OperationClaim;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One registered record set.
 * <p>
 * An action runs its handler, which changes the application's database and gives the
 * records it changed; once that completes (the transaction committed), the records are
 * broadcast to the set's channel through the backend. An action that a client sent with
 * an operation id runs once: a retry is answered with the first try's records, and
 * broadcasts them again in case the first broadcast was lost. Actions act when called, as
 * {@link dev.evstream.core.EvState#set EvState.set} does, and fail with
 * {@link EvActionRefusedException} (nothing changed), {@link EvActionRunningException},
 * {@link EvUnavailableException}, or the handler's own failure.
 *
 * @param <R> the type of the records
 * @param <A> the type of the actions
 * @since 0.1.0
 */
public final class EvRecordSet<R, A> {

	private static final Logger logger = Loggers.getLogger(EvRecordSet.class);

	private static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

	private final EvRecords owner;

	private final String name;

	private final EvRecordSetModel<R, A> model;

	private final ChannelHistory history;

	EvRecordSet(EvRecords owner, String name, EvRecordSetModel<R, A> model) {
		this.owner = owner;
		this.name = name;
		this.model = model;
		this.history = owner.streams.backend().channelHistory();
	}

	/**
	 * Returns the record set's name, which is also its channel.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Loads records through the set's loader, off the event loops.
	 * @param sinceVersion the version the caller has, {@code 0} for every record
	 * @return the records whose version is above it, soft-deleted ones included
	 */
	public Mono<List<R>> load(long sinceVersion) {
		checkVersion(sinceVersion);
		return Flux.defer(() -> this.model.loader().load(sinceVersion)).subscribeOn(this.owner.worker).collectList();
	}

	/**
	 * Loads records as a client receives them: {@code {"records":[…]}}, each an entry
	 * with its id, version and record (or {@code "deleted":true}), in id order.
	 * @param sinceVersion the version the caller has, {@code 0} for every record
	 * @return the JSON text
	 */
	public Mono<String> loadJson(long sinceVersion) {
		checkVersion(sinceVersion);
		return loadEntries(sinceVersion).map(RecordEvents::listing);
	}

	/**
	 * Runs an action from the server, then broadcasts the records it changed.
	 * @param action the action
	 * @param principal on whose behalf it runs
	 * @return the records it changed
	 */
	public Mono<List<R>> act(A action, EvPrincipal principal) {
		Objects.requireNonNull(action, "'action' must not be null");
		Objects.requireNonNull(principal, "'principal' must not be null");
		Mono<List<R>> act = handle(action, principal)
			.flatMap((records) -> broadcastArray(RecordEvents.array(entries(records)), null).thenReturn(records));
		return eager(act);
	}

	/**
	 * Runs an action a client sent, once per operation id, then broadcasts the records it
	 * changed with the operation id, so that the client can confirm its optimistic
	 * change.
	 * @param action the action, read as the set's action type
	 * @param principal the client
	 * @param operationId the client's id of the action, or {@code null}
	 * @return the changed records as the client receives them: {@code {"records":[…]}}
	 * @throws IllegalArgumentException if the action is not one of the set's actions, or
	 * the operation id is invalid
	 */
	public Mono<String> actFromClient(JsonNode action, EvPrincipal principal, @Nullable String operationId) {
		Objects.requireNonNull(principal, "'principal' must not be null");
		OperationIds.check(operationId);
		A typed = read(action);
		Mono<String> entries = (operationId != null) ? once(typed, principal, operationId)
				: run(typed, principal, null);
		return eager(entries.map(RecordEvents::listing));
	}

	/**
	 * Broadcasts records the application changed outside an action, such as in a
	 * scheduled job, once their change committed.
	 * @param changed the changed records, soft-deleted ones included
	 * @return completion once the backend took the broadcast
	 */
	public Mono<Void> broadcast(Collection<? extends R> changed) {
		Objects.requireNonNull(changed, "'changed' must not be null");
		String entries = RecordEvents.array(entries(changed));
		return eager(broadcastArray(entries, null).then());
	}

	Mono<ChannelSnapshot> snapshot() {
		// the position first: a change committed after it is also broadcast after it, and
		// one the load already holds is sent again, which clients ignore by its version
		return this.history.head(this.name)
			.flatMap((sequence) -> loadEntries(0)
				.map((entries) -> new ChannelSnapshot(sequence, RecordEvents.snapshot(entries))));
	}

	private Mono<String> once(A action, EvPrincipal principal, String operationId) {
		Duration runningFor = this.model.actionTimeout().multipliedBy(2);
		return this.owner.operations.claim(this.name, operationId, runningFor)
			.onErrorMap((ex) -> !(ex instanceof EvException), this::operationsDown)
			.flatMap((claim) -> switch (claim.status()) {
				case CLAIMED -> run(action, principal, operationId);
				case RUNNING -> Mono.error(new EvActionRunningException("Action '" + operationId + "' of record set '"
						+ this.name + "' is still running; retry it later for its outcome"));
				case COMPLETED -> repeat(claim, operationId);
			});
	}

	/**
	 * Runs an action and broadcasts its records. A claimed operation id is released when
	 * the action did not happen, and completed as soon as it did, before the broadcast,
	 * so that a retry after a failed broadcast broadcasts again instead of running again.
	 */
	private Mono<String> run(A action, EvPrincipal principal, @Nullable String operationId) {
		Mono<String> applied = handle(action, principal).map((records) -> RecordEvents.array(entries(records)));
		if (operationId == null) {
			return applied.flatMap((entries) -> broadcastArray(entries, null).thenReturn(entries));
		}
		return applied
			.onErrorResume((ex) -> this.owner.operations.release(this.name, operationId)
				.onErrorResume((failure) -> Mono.empty())
				.then(Mono.error(ex)))
			.flatMap(
					(entries) -> this.owner.operations.complete(this.name, operationId, entries).onErrorResume((ex) -> {
						logger.warn("Could not keep the outcome of action '{}' of record set '{}': {}", operationId,
								this.name, ex.toString());
						return Mono.empty();
					}).then(broadcastArray(entries, operationId)).thenReturn(entries));
	}

	private Mono<String> repeat(OperationClaim claim, String operationId) {
		String entries = Objects.requireNonNull(claim.outcome());
		return broadcastArray(entries, operationId).thenReturn(entries);
	}

	private Mono<List<R>> handle(A action, EvPrincipal principal) {
		EvActionHandler<R, A> handler = this.model.handler();
		if (handler == null) {
			return Mono.error(new EvActionRefusedException("Record set '" + this.name + "' takes no actions"));
		}
		Duration timeout = this.model.actionTimeout();
		return Flux.defer(() -> handler.onAction(this.name, action, principal))
			.subscribeOn(this.owner.worker)
			.collectList()
			.timeout(timeout)
			.onErrorMap(TimeoutException.class, (ex) -> new EvUnavailableException("The action of record set '"
					+ this.name + "' did not complete within " + timeout.toMillis() + " ms", ex));
	}

	private Mono<Long> broadcastArray(String entries, @Nullable String operationId) {
		if (entries.equals("[]")) {
			// nothing changed: no event, as a client has nothing to apply
			return Mono.just(ChannelHistory.NO_SEQUENCE);
		}
		return this.history.append(this.name, this.name, RecordEvents.changes(entries, operationId))
			.onErrorMap((ex) -> !(ex instanceof EvException),
					(ex) -> new EvUnavailableException("The changes of record set '" + this.name
							+ "' are committed but could not be broadcast; retry the action with the same operation id to broadcast them",
							ex));
	}

	private Mono<String> loadEntries(long sinceVersion) {
		return load(sinceVersion).publishOn(this.owner.worker).map((records) -> {
			List<Entry> entries = new ArrayList<>(records.size());
			for (R record : records) {
				entries.add(entry(record));
			}
			entries.sort(BY_ID);
			List<String> json = new ArrayList<>(entries.size());
			for (Entry entry : entries) {
				json.add(entry.json());
			}
			return RecordEvents.array(json);
		});
	}

	private List<String> entries(Collection<? extends R> records) {
		List<String> entries = new ArrayList<>(records.size());
		for (R record : records) {
			entries.add(entry(record).json());
		}
		return entries;
	}

	private Entry entry(@Nullable R record) {
		if (record == null) {
			throw new IllegalStateException("Record set '" + this.name + "' was given a null record");
		}
		String id = this.model.idReader().apply(record);
		if (id == null) {
			throw new IllegalStateException("A record of record set '" + this.name + "' has no id: " + record);
		}
		long version = this.model.versionReader().applyAsLong(record);
		boolean deleted = this.model.deletedTest().test(record);
		String json = deleted ? "" : this.owner.jsonMapper.writeValueAsString(record);
		return new Entry(id, RecordEvents.entry(id, version, deleted, json));
	}

	private A read(@Nullable JsonNode action) {
		String typeName = this.model.actionType().getSimpleName();
		if (action == null || action.isNull() || action.isMissingNode()) {
			throw new IllegalArgumentException("An action of record set '" + this.name + "' must be a " + typeName);
		}
		try {
			A typed = this.owner.jsonMapper.treeToValue(action, this.model.actionType());
			if (typed == null) {
				throw new IllegalArgumentException("An action of record set '" + this.name + "' must be a " + typeName);
			}
			return typed;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("The action is not a valid " + typeName + " of record set '" + this.name
					+ "': " + ex.getOriginalMessage());
		}
	}

	private EvUnavailableException operationsDown(Throwable ex) {
		return new EvUnavailableException(
				"Could not run an action of record set '" + this.name + "': the operation store did not answer", ex);
	}

	private <T> Mono<T> eager(Mono<T> call) {
		Mono<T> outcome = call.cache();
		outcome.subscribe(null,
				(ex) -> logger.debug("An action of record set '{}' failed: {}", this.name, ex.toString()));
		return outcome;
	}

	private static void checkVersion(long sinceVersion) {
		if (sinceVersion < 0) {
			throw new IllegalArgumentException("'sinceVersion' must not be negative, but was " + sinceVersion);
		}
	}

	private record Entry(String id, String json) {
	}

}
