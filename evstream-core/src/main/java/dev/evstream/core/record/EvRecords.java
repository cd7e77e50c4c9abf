package dev.evstream.core.record;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.ModelNames;
import dev.evstream.core.store.OperationStore;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.ObjectMapper;

/**
 * The record sets of an application, as partysync's: records kept in the application's
 * own database, sent live to every client and changed through actions.
 * <p>
 * Clients listen to a record set on the channel of its name: they receive every record as
 * a {@code snapshot} event, then the records each action changed as a {@code changes}
 * event, broadcast through the backend once the action committed, so that clients on
 * every instance see them. Every client keeps, per record, the highest version it saw, so
 * a late broadcast of an older version changes nothing, and a soft-deleted record never
 * comes back. A client that resumes is sent the changes it missed, or, when they are out
 * of the channel's history, a {@code reset} and a new snapshot. Register each record set
 * before clients listen to it: registering claims its channel.
 *
 * @since 0.1.0
 */
public final class EvRecords {

	final EvStreamManager streams;

	final ObjectMapper jsonMapper;

	final OperationStore operations;

	// loaders and handlers may block (JDBC), so they never run on an event loop
	final Scheduler worker = Schedulers.boundedElastic();

	private final ConcurrentMap<String, EvRecordSet<?, ?>> recordSets = new ConcurrentHashMap<>();

	/**
	 * Creates the record sets of a stream manager's backend.
	 * @param streams the stream manager, whose listeners receive the records
	 * @param jsonMapper the application's JSON mapper
	 */
	public EvRecords(EvStreamManager streams, ObjectMapper jsonMapper) {
		this.streams = Objects.requireNonNull(streams, "'streams' must not be null");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
		this.operations = streams.backend().operationStore();
	}

	/**
	 * Registers a record set.
	 * @param <R> the type of its records
	 * @param <A> the type of its actions
	 * @param name the record set's name, which is also its channel: 1 to 64 characters
	 * from {@code A-Z a-z 0-9 _ . : @ -}
	 * @param model what the record set is
	 * @return the record set
	 * @throws IllegalArgumentException if the name is invalid or already registered, or
	 * the model has no id, version or loader
	 * @throws IllegalStateException if another model claimed the channel of the name
	 */
	public <R, A> EvRecordSet<R, A> register(String name, EvRecordSetModel<R, A> model) {
		ModelNames.recordSet(name);
		Objects.requireNonNull(model, "'model' must not be null");
		model.check(name);
		EvRecordSet<R, A> recordSet = new EvRecordSet<>(this, name, model);
		if (this.recordSets.putIfAbsent(name, recordSet) != null) {
			throw new IllegalArgumentException("Record set '" + name + "' is already registered");
		}
		try {
			this.streams.claimChannel(name, (channel) -> recordSet.snapshot());
		}
		catch (RuntimeException ex) {
			// the channel is another model's: a set left registered would take actions
			// and
			// broadcast its changes to that model's listeners
			this.recordSets.remove(name, recordSet);
			throw ex;
		}
		return recordSet;
	}

	/**
	 * Returns a registered record set.
	 * @param name the record set's name
	 * @return the record set, or {@code null} if none is registered under the name
	 */
	public @Nullable EvRecordSet<?, ?> find(String name) {
		return this.recordSets.get(name);
	}

}
