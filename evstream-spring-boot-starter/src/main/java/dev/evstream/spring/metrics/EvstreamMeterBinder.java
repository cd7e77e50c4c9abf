package dev.evstream.spring.metrics;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauges of evstream: open connections, listeners, channels with listeners, and
 * states, read from the managers when the registry is scraped.
 *
 * @since 0.1.0
 */
public class EvstreamMeterBinder implements MeterBinder {

	private final EvStreamManager streams;

	private final EvStateManager states;

	/**
	 * Creates the binder.
	 * @param streams the stream manager
	 * @param states the state manager
	 */
	public EvstreamMeterBinder(EvStreamManager streams, EvStateManager states) {
		this.streams = streams;
		this.states = states;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("evstream.connections.open", this.streams, EvStreamManager::connectionCount)
			.description("Open connections on this instance")
			.register(registry);
		Gauge
			.builder("evstream.listeners", this.streams,
					(streams) -> streams.listenerCounts().values().stream().mapToInt(Integer::intValue).sum())
			.description("Listeners of all channels on this instance")
			.register(registry);
		Gauge.builder("evstream.channels", this.streams, EvStreamManager::channelCount)
			.description("Channels in use on this instance: listened to, or carrying a state")
			.register(registry);
		Gauge.builder("evstream.states", this.states, (states) -> states.stateKeys().size())
			.description("States known to this instance")
			.register(registry);
	}

}
