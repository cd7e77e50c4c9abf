package dev.evstream.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code evstream}: this instance's connections, its channels with
 * their listener counts, the states with their versions (and values, when
 * {@code evstream.actuator.show-values=true}), and the backend with its connection state.
 *
 * @since 0.1.0
 */
@Endpoint(id = "evstream")
public class EvstreamEndpoint {

	private final EvStreamManager streams;

	private final EvStateManager states;

	private final Backend backend;

	private final boolean showValues;

	/**
	 * Creates the endpoint.
	 * @param streams the stream manager
	 * @param states the state manager
	 * @param backend the backend shared with the other instances
	 * @param showValues whether to show the values of states
	 */
	public EvstreamEndpoint(EvStreamManager streams, EvStateManager states, Backend backend, boolean showValues) {
		this.streams = streams;
		this.states = states;
		this.backend = backend;
		this.showValues = showValues;
	}

	/**
	 * Describes this instance.
	 * @return the description
	 */
	@ReadOperation
	public EvstreamDescriptor describe() {
		Map<String, StateDescriptor> states = new LinkedHashMap<>();
		for (String key : this.states.stateKeys()) {
			EvState<JsonNode> state = this.states.getState(key, JsonNode.class);
			if (state != null) {
				states.put(key, new StateDescriptor(state.version(), this.showValues ? state.get() : null));
			}
		}
		return new EvstreamDescriptor(new ConnectionsDescriptor(this.streams.connectionCount(),
				this.streams.maxConnections(), this.streams.isShutdown()), this.streams.listenerCounts(), states,
				describe(this.backend));
	}

	static BackendDescriptor describe(Backend backend) {
		String name = (backend instanceof InMemoryBackend) ? "in-memory"
				: backend.getClass().getSimpleName().replace("Backend", "").toLowerCase(Locale.ROOT);
		return new BackendDescriptor(name, backend.bus().isConnected());
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param connections the connections of this instance
	 * @param channels the channels with listeners, and how many
	 * @param states the states this instance knows
	 * @param backend the backend shared by the instances
	 */
	public record EvstreamDescriptor(ConnectionsDescriptor connections, Map<String, Integer> channels,
			Map<String, StateDescriptor> states, BackendDescriptor backend) {
	}

	/**
	 * The connections of this instance.
	 *
	 * @param open how many are open
	 * @param max the limit
	 * @param shuttingDown whether new ones are refused
	 */
	public record ConnectionsDescriptor(int open, int max, boolean shuttingDown) {
	}

	/**
	 * One state.
	 *
	 * @param version its version
	 * @param value its value, or {@code null} when values are not shown
	 */
	public record StateDescriptor(long version, @org.jspecify.annotations.Nullable JsonNode value) {
	}

	/**
	 * The backend.
	 *
	 * @param name {@code in-memory} or {@code redis}
	 * @param connected whether its bus is connected
	 */
	public record BackendDescriptor(String name, boolean connected) {
	}

}
