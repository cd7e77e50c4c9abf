package dev.evstream.core.log;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.ModelNames;
import dev.evstream.core.store.LogStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.ObjectMapper;

/**
 * The server-validated event logs of an application, as Krmx's Stream model, stored in
 * the backend's {@link LogStore} and shared by every instance.
 * <p>
 * Clients listen to a log on the channel of its name: they receive its history (the state
 * at a base and every event after it) as a {@code history} event, then each accepted
 * event as an {@code append}, in log order. A client that resumes is sent the appends it
 * missed, or, when they are out of the channel's history, a {@code reset} and the history
 * again. Register each log before clients listen to it: registering claims its channel.
 *
 * @since 0.1.0
 */
public final class EvLogs {

	final EvStreamManager streams;

	final LogStore store;

	final ObjectMapper jsonMapper;

	final EvLogPayloadValidator validator;

	// off the event loops: histories may be long
	final Scheduler worker = Schedulers.parallel();

	private final ConcurrentMap<String, EvLog<?>> logs = new ConcurrentHashMap<>();

	/**
	 * Creates the logs of a stream manager's backend, without payload validation beyond
	 * their types.
	 * @param streams the stream manager, whose listeners receive the logs
	 * @param jsonMapper the application's JSON mapper
	 */
	public EvLogs(EvStreamManager streams, ObjectMapper jsonMapper) {
		this(streams, jsonMapper, EvLogPayloadValidator.NONE);
	}

	/**
	 * Creates the logs of a stream manager's backend.
	 * @param streams the stream manager, whose listeners receive the logs
	 * @param jsonMapper the application's JSON mapper
	 * @param validator validates payloads before handlers run
	 */
	public EvLogs(EvStreamManager streams, ObjectMapper jsonMapper, EvLogPayloadValidator validator) {
		this.streams = Objects.requireNonNull(streams, "'streams' must not be null");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
		this.validator = Objects.requireNonNull(validator, "'validator' must not be null");
		this.store = streams.backend().logStore();
	}

	/**
	 * Registers a log.
	 * @param <S> the type of its state
	 * @param name the log's name, which is also its channel: 1 to 64 characters from
	 * {@code A-Z a-z 0-9 _ . : @ -}
	 * @param model what the log is
	 * @return the log
	 * @throws IllegalArgumentException if the name is invalid or already registered, or
	 * the initial state cannot be written as JSON
	 * @throws IllegalStateException if another model claimed the channel
	 */
	public <S> EvLog<S> register(String name, EvLogModel<S> model) {
		ModelNames.log(name);
		Objects.requireNonNull(model, "'model' must not be null");
		EvLog<S> log = new EvLog<>(this, name, model);
		if (this.logs.putIfAbsent(name, log) != null) {
			throw new IllegalArgumentException("Log '" + name + "' is already registered");
		}
		try {
			this.streams.claimChannel(name, (channel) -> log.snapshot());
		}
		catch (RuntimeException ex) {
			// the channel is another model's: a log left registered would append to it
			this.logs.remove(name, log);
			throw ex;
		}
		return log;
	}

	/**
	 * Returns a registered log.
	 * @param name the log's name
	 * @return the log, or {@code null} if none is registered under the name
	 */
	public @Nullable EvLog<?> find(String name) {
		return this.logs.get(name);
	}

	<T> Mono<T> bounded(Mono<T> call) {
		Duration timeout = this.store.timeout();
		return (timeout != null) ? call.timeout(timeout) : call;
	}

}
