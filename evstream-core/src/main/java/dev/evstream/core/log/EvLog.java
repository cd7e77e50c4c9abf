package dev.evstream.core.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.evstream.core.ChannelSnapshots.ChannelSnapshot;
import dev.evstream.core.EvException;
import dev.evstream.core.EvMessage;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.log.EvLogModel.Handler;
import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogHead;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * One registered event log.
 * <p>
 * An append is validated against the authoritative latest state: its payload is read as
 * its handler's type and validated, then the handler computes the next state, and the
 * event is appended only if no other event was appended meanwhile, else validated again
 * on the state that won. So two instances never both accept conflicting events. Appends
 * act when called, as {@link dev.evstream.core.EvState#set EvState.set} does, and fail
 * with {@link EvLogEventRejectedException} (nothing appended) or
 * {@link EvUnavailableException}.
 *
 * @param <S> the type of the state
 * @since 0.1.0
 */
public final class EvLog<S> {

	private static final Logger logger = Loggers.getLogger(EvLog.class);

	private final EvLogs owner;

	private final String name;

	private final EvLogModel<S> model;

	private final JavaType stateType;

	private final String initialJson;

	EvLog(EvLogs owner, String name, EvLogModel<S> model) {
		this.owner = owner;
		this.name = name;
		this.model = model;
		this.stateType = model.stateType(owner.jsonMapper);
		this.initialJson = owner.jsonMapper.writeValueAsString(model.initial());
	}

	/**
	 * Returns the log's name, which is also its channel.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Appends an event from the server.
	 * @param type the event's type
	 * @param payload its payload, written and read back as the handler's payload type;
	 * {@code null} for events without one
	 * @param dispatcher who appends it
	 * @return the event as appended
	 */
	public Mono<EvLogEntry> append(String type, @Nullable Object payload, EvPrincipal dispatcher) {
		JsonNode node = (payload != null) ? this.owner.jsonMapper.valueToTree(payload) : null;
		return appendFromClient(new EvLogAppendRequest(type, node, null, null), dispatcher);
	}

	/**
	 * Appends an event a client asked for. A retried event id is answered with the event
	 * it appended; a refused event is also told to the client's connection as an
	 * {@code invalidate}, wherever that connection is held.
	 * @param request the event
	 * @param dispatcher the client
	 * @return the event as appended
	 */
	public Mono<EvLogEntry> appendFromClient(EvLogAppendRequest request, EvPrincipal dispatcher) {
		Objects.requireNonNull(request, "'request' must not be null");
		Objects.requireNonNull(dispatcher, "'dispatcher' must not be null");
		Mono<EvLogEntry> append = Mono.defer(() -> appendChecked(request, dispatcher))
			.onErrorResume(EvLogEventRejectedException.class, (ex) -> refused(request, dispatcher, ex))
			.onErrorMap((ex) -> !(ex instanceof EvException || ex instanceof IllegalArgumentException),
					(ex) -> new EvUnavailableException(
							"Could not append to log '" + this.name + "': the log store did not answer", ex));
		Mono<EvLogEntry> outcome = append.cache();
		outcome.subscribe(null, (ex) -> logger.debug("An append to log '{}' failed: {}", this.name, ex.toString()));
		return outcome;
	}

	/**
	 * Reads the authoritative latest state.
	 * @return the state after every event appended so far
	 */
	public Mono<S> state() {
		return this.owner.bounded(this.owner.store.head(this.name))
			.map((head) -> decode((head.state() != null) ? head.state() : this.initialJson))
			.onErrorMap(this::unavailable);
	}

	/**
	 * Reads the log as a joining client receives it.
	 * @return the state at the base and the events after it
	 */
	public Mono<EvLogHistory<S>> history() {
		return this.owner.bounded(this.owner.store.snapshot(this.name))
			.subscribeOn(this.owner.worker)
			.publishOn(this.owner.worker)
			.map((snapshot) -> {
				List<EvLogEntry> entries = new ArrayList<>(snapshot.events().size());
				for (String event : snapshot.events()) {
					entries.add(entry(this.owner.jsonMapper.readTree(event)));
				}
				return new EvLogHistory<>(snapshot.base().sequence(), decode(stateOf(snapshot.base())), entries);
			})
			.onErrorMap(this::unavailable);
	}

	Mono<ChannelSnapshot> snapshot() {
		return this.owner.bounded(this.owner.store.snapshot(this.name))
			.subscribeOn(this.owner.worker)
			.publishOn(this.owner.worker)
			.map((snapshot) -> new ChannelSnapshot(snapshot.channelSequence(),
					LogEvents.history(snapshot.base().sequence(), stateOf(snapshot.base()), snapshot.events())));
	}

	private Mono<EvLogEntry> appendChecked(EvLogAppendRequest request, EvPrincipal dispatcher) {
		Handler<S, ?> handler = this.model.handler(request.type());
		if (handler == null) {
			throw new EvLogEventRejectedException("Log '" + this.name + "' has no event type '" + request.type() + "'");
		}
		Object payload = payload(request, handler);
		if (payload != null) {
			this.owner.validator.validate(request.type(), payload);
		}
		Event<S> event = new Event<>(request, handler, payload, this.owner.jsonMapper.writeValueAsString(payload),
				dispatcher);
		return repeated(request, event)
			.switchIfEmpty(Mono.defer(() -> attempt(event, this.owner.bounded(this.owner.store.head(this.name)))));
	}

	private @Nullable Object payload(EvLogAppendRequest request, Handler<S, ?> handler) {
		JsonNode json = request.payload();
		if (!handler.takesPayload()) {
			if (json != null) {
				throw new EvLogEventRejectedException("Event '" + request.type() + "' takes no payload");
			}
			return null;
		}
		String typeName = handler.payloadType().getSimpleName();
		if (json == null) {
			throw new EvLogEventRejectedException("Event '" + request.type() + "' needs a payload: a " + typeName);
		}
		try {
			Object payload = this.owner.jsonMapper.treeToValue(json, handler.payloadType());
			if (payload == null) {
				throw new EvLogEventRejectedException("Event '" + request.type() + "' needs a payload: a " + typeName);
			}
			return payload;
		}
		catch (JacksonException ex) {
			throw new EvLogEventRejectedException("The payload of event '" + request.type() + "' is not a valid "
					+ typeName + ": " + ex.getOriginalMessage());
		}
	}

	private Mono<EvLogEntry> attempt(Event<S> event, Mono<LogHead> read) {
		return read.flatMap((head) -> {
			S next = event.apply(decode(stateOf(head)));
			if (next == null) {
				throw new IllegalStateException("The handler of event '" + event.request.type() + "' of log '"
						+ this.name + "' returned no state");
			}
			long sequence = head.sequence() + 1;
			String json = LogEvents.event(sequence, event.request.type(), event.payloadJson, event.dispatcher.name(),
					event.request.eventId());
			LogAppend append = new LogAppend(this.name, head.sequence(), this.owner.jsonMapper.writeValueAsString(next),
					json, LogEvents.append(json), event.request.eventId(), this.model.compactAbove());
			return this.owner.bounded(this.owner.store.append(append)).flatMap((result) -> outcome(event, result));
		});
	}

	private Mono<EvLogEntry> outcome(Event<S> event, LogAppendResult result) {
		return switch (result.outcome()) {
			case APPENDED, REPEATED -> Mono.just(event.entry(result.sequence(), this.owner));
			case CONFLICT -> attempt(event, Mono.just(result.head()));
		};
	}

	/**
	 * Answers a retried event with the sequence its first try got.
	 */
	private Mono<EvLogEntry> repeated(EvLogAppendRequest request, Event<S> event) {
		String eventId = request.eventId();
		if (eventId == null) {
			return Mono.empty();
		}
		return this.owner.bounded(this.owner.store.sequenceOf(this.name, eventId))
			.map((sequence) -> event.entry(sequence, this.owner));
	}

	/**
	 * Tells the client's connection that its event was refused, unless a retry finds it
	 * appended by an earlier try: its refusal then only says that it changed the state
	 * already.
	 */
	private Mono<EvLogEntry> refused(EvLogAppendRequest request, EvPrincipal dispatcher,
			EvLogEventRejectedException ex) {
		String eventId = request.eventId();
		Mono<EvLogEntry> earlier = (eventId != null) ? this.owner
			.bounded(this.owner.store.sequenceOf(this.name, eventId))
			.map((sequence) -> new EvLogEntry(sequence, request.type(), request.payload(), dispatcher.name(), eventId))
				: Mono.empty();
		return earlier.switchIfEmpty(Mono.defer(() -> {
			String connectionId = request.connectionId();
			if (connectionId == null) {
				return Mono.error(ex);
			}
			return this.owner.streams
				.to(connectionId, EvMessage.of(this.name, LogEvents.invalidate(eventId, ex.getMessage())))
				.onErrorResume((failure) -> Mono.empty())
				.then(Mono.error(ex));
		}));
	}

	private String stateOf(LogHead head) {
		return (head.state() != null) ? head.state() : this.initialJson;
	}

	private S decode(String json) {
		return this.owner.jsonMapper.readValue(json, this.stateType);
	}

	private static EvLogEntry entry(JsonNode event) {
		JsonNode payload = event.get("payload");
		JsonNode eventId = event.get("eventId");
		return new EvLogEntry(event.get("sequence").asLong(), event.get("type").asString(),
				(payload == null || payload.isNull()) ? null : payload, event.get("dispatcher").asString(),
				(eventId != null) ? eventId.asString() : null);
	}

	private Throwable unavailable(Throwable ex) {
		if (ex instanceof EvException || ex instanceof IllegalArgumentException) {
			return ex;
		}
		return new EvUnavailableException("Could not read log '" + this.name + "': the log store did not answer", ex);
	}

	/**
	 * An event being appended: what was asked, and its payload read once.
	 */
	private record Event<S>(EvLogAppendRequest request, Handler<S, ?> handler, @Nullable Object payload,
			String payloadJson, EvPrincipal dispatcher) {

		@SuppressWarnings({ "unchecked", "rawtypes" })
		S apply(S state) {
			return (S) ((EvLogHandler) this.handler.handler()).apply(state, this.dispatcher, this.payload);
		}

		EvLogEntry entry(long sequence, EvLogs owner) {
			JsonNode payload = (this.payload != null) ? owner.jsonMapper.valueToTree(this.payload) : null;
			return new EvLogEntry(sequence, this.request.type(), payload, this.dispatcher.name(),
					this.request.eventId());
		}

	}

}
