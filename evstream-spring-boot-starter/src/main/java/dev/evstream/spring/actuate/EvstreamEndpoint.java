package dev.evstream.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.presence.EvPresence;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code evstream}: this instance's connections, its channels with
 * their listener counts, the states with their versions (and values, when
 * {@code evstream.actuator.show-values=true}), and the backend with its connection state.
 * With presence, it also shows, for each of this instance's channels, how many
 * connections listen to it on all instances.
 *
 * @since 0.1.0
 */
@Endpoint(id = "evstream")
public class EvstreamEndpoint {

	private final EvStreamManager streams;

	private final EvStateManager states;

	private final Backend backend;

	private final boolean showValues;

	private final @Nullable EvPresence presence;

	/**
	 * Creates the endpoint, without presence.
	 * @param streams the stream manager
	 * @param states the state manager
	 * @param backend the backend shared with the other instances
	 * @param showValues whether to show the values of states
	 */
	public EvstreamEndpoint(EvStreamManager streams, EvStateManager states, Backend backend, boolean showValues) {
		this(streams, states, backend, showValues, null);
	}

	/**
	 * Creates the endpoint.
	 * @param streams the stream manager
	 * @param states the state manager
	 * @param backend the backend shared with the other instances
	 * @param showValues whether to show the values of states
	 * @param presence the presence whose member counts to show, or {@code null}
	 */
	public EvstreamEndpoint(EvStreamManager streams, EvStateManager states, Backend backend, boolean showValues,
			@Nullable EvPresence presence) {
		this.streams = streams;
		this.states = states;
		this.backend = backend;
		this.showValues = showValues;
		this.presence = presence;
	}

	/**
	 * Describes this instance. Cold and finite: each subscription reads this instance's
	 * figures then, with presence, the member counts from the backend, signalled on the
	 * thread of the last count (a backend thread) or the subscriber's without presence.
	 * Counts are read a few at a time, each bounded by the backend's timeout; cancelling
	 * stops reading them.
	 * @return the description
	 */
	@ReadOperation
	public Mono<EvstreamDescriptor> describe() {
		return Mono.defer(() -> {
			Map<String, StateDescriptor> states = new LinkedHashMap<>();
			for (String key : this.states.stateKeys()) {
				EvState<JsonNode> state = this.states.getState(key, JsonNode.class);
				if (state != null) {
					states.put(key, new StateDescriptor(state.version(), this.showValues ? state.get() : null));
				}
			}
			Map<String, Integer> channels = this.streams.listenerCounts();
			ConnectionsDescriptor connections = new ConnectionsDescriptor(this.streams.connectionCount(),
					this.streams.maxConnections(), this.streams.isShutdown());
			BackendDescriptor backend = describe(this.backend);
			if (this.presence == null) {
				return Mono.just(new EvstreamDescriptor(connections, channels, states, backend, null));
			}
			return members(this.presence, channels)
				.map((members) -> new EvstreamDescriptor(connections, channels, states, backend, members));
		});
	}

	/**
	 * Counts the members of this instance's channels on all instances; a channel whose
	 * count cannot be read is left out, so that the endpoint still answers while the
	 * backend does not.
	 */
	private static Mono<Map<String, Long>> members(EvPresence presence, Map<String, Integer> channels) {
		return Flux.fromIterable(channels.keySet())
			// the listeners of a presence channel are members of nothing
			.filter((channel) -> EvPresence.watchedChannel(channel) == null)
			.flatMap((channel) -> presence.count(channel)
				.map((count) -> Map.entry(channel, count))
				.onErrorResume((ex) -> Mono.empty()), 8)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
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
	 * @param members with presence, the number of members of each of this instance's
	 * channels on all instances, or {@code null} without presence
	 */
	public record EvstreamDescriptor(ConnectionsDescriptor connections, Map<String, Integer> channels,
			Map<String, StateDescriptor> states, BackendDescriptor backend, @Nullable Map<String, Long> members) {
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
	public record StateDescriptor(long version, @Nullable JsonNode value) {
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
