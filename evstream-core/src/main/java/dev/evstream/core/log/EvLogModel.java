package dev.evstream.core.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * What an event log is: its initial state and a handler per event type, as Krmx's
 * {@code new StreamModel(initial).when(type, schema, handler)}. Defined once, then
 * {@link EvLogs#register registered} under a name.
 *
 * <pre class="code">
 * EvLogModel&lt;Counter&gt; model = EvLogModel.of(Counter.class, new Counter(0, null))
 * 	.when("increment", Integer.class, (state, dispatcher, amount) -&gt; …)
 * 	.when("claim", Void.class, (state, dispatcher, none) -&gt; …);
 * </pre>
 *
 * @param <S> the type of the state
 * @since 0.1.0
 */
public final class EvLogModel<S> {

	/**
	 * The default number of events kept after the base before the log is compacted.
	 */
	public static final int DEFAULT_COMPACT_ABOVE = 1000;

	private final @Nullable Class<S> stateClass;

	private final @Nullable TypeReference<S> stateReference;

	private final S initial;

	private final Map<String, Handler<S, ?>> handlers;

	private final int compactAbove;

	private EvLogModel(@Nullable Class<S> stateClass, @Nullable TypeReference<S> stateReference, S initial,
			Map<String, Handler<S, ?>> handlers, int compactAbove) {
		this.stateClass = stateClass;
		this.stateReference = stateReference;
		this.initial = Objects.requireNonNull(initial, "'initial' must not be null");
		this.handlers = handlers;
		this.compactAbove = compactAbove;
	}

	/**
	 * Starts a model.
	 * @param <S> the type of the state
	 * @param stateType the type of the state, written and read as JSON
	 * @param initial the state before any event
	 * @return a model without handlers
	 */
	public static <S> EvLogModel<S> of(Class<S> stateType, S initial) {
		return new EvLogModel<>(Objects.requireNonNull(stateType, "'stateType' must not be null"), null, initial,
				Map.of(), DEFAULT_COMPACT_ABOVE);
	}

	/**
	 * Starts a model of a generic state type.
	 * @param <S> the type of the state
	 * @param stateType the type of the state
	 * @param initial the state before any event
	 * @return a model without handlers
	 */
	public static <S> EvLogModel<S> of(TypeReference<S> stateType, S initial) {
		return new EvLogModel<>(null, Objects.requireNonNull(stateType, "'stateType' must not be null"), initial,
				Map.of(), DEFAULT_COMPACT_ABOVE);
	}

	/**
	 * Returns a model that also handles one type of event.
	 * @param <P> the type of the payload
	 * @param type the event's type, 1 to 64 characters
	 * @param payloadType the type of its payload ({@code Void.class} for events without
	 * one), read from JSON and validated before the handler runs
	 * @param handler the handler
	 * @return the model with the handler
	 * @throws IllegalArgumentException if the type already has a handler
	 */
	public <P> EvLogModel<S> when(String type, Class<P> payloadType, EvLogHandler<S, P> handler) {
		Objects.requireNonNull(type, "'type' must not be null");
		if (type.isEmpty() || type.length() > 64) {
			throw new IllegalArgumentException("An event type must be 1 to 64 characters");
		}
		if (this.handlers.containsKey(type)) {
			throw new IllegalArgumentException("Event type '" + type + "' already has a handler");
		}
		Map<String, Handler<S, ?>> next = new LinkedHashMap<>(this.handlers);
		next.put(type, new Handler<>(Objects.requireNonNull(payloadType, "'payloadType' must not be null"),
				Objects.requireNonNull(handler, "'handler' must not be null")));
		return new EvLogModel<>(this.stateClass, this.stateReference, this.initial, Map.copyOf(next),
				this.compactAbove);
	}

	/**
	 * Returns a model whose log is compacted when more events than this follow its base:
	 * the state at the latest event becomes the base, and joining clients receive it
	 * instead of the events before it.
	 * @param events the most events kept after the base, at least 1
	 * @return the model with the setting
	 */
	public EvLogModel<S> compactAbove(int events) {
		if (events < 1) {
			throw new IllegalArgumentException(
					"A log keeps at least 1 event before it is compacted, but was " + events);
		}
		return new EvLogModel<>(this.stateClass, this.stateReference, this.initial, this.handlers, events);
	}

	S initial() {
		return this.initial;
	}

	int compactAbove() {
		return this.compactAbove;
	}

	@Nullable Handler<S, ?> handler(String type) {
		return this.handlers.get(type);
	}

	JavaType stateType(ObjectMapper jsonMapper) {
		return (this.stateClass != null) ? jsonMapper.constructType(this.stateClass)
				: jsonMapper.constructType(Objects.requireNonNull(this.stateReference));
	}

	/**
	 * A handler and the type of its payload.
	 */
	record Handler<S, P>(Class<P> payloadType, EvLogHandler<S, P> handler) {

		boolean takesPayload() {
			return this.payloadType != Void.class;
		}

	}

}
