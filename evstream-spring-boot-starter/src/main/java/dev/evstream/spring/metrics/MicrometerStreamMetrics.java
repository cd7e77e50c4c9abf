package dev.evstream.spring.metrics;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.evstream.core.metrics.StreamMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records evstream's {@link StreamMetrics} with Micrometer, under lowercase dotted names.
 * Channel names become a {@code channel} tag only when asked for, since clients choose
 * them and they are unbounded; otherwise meters are tagged with low-cardinality reasons
 * and outcomes alone. Meters are created once and cached, so recording is a map lookup
 * and an increment.
 *
 * @since 0.1.0
 */
public class MicrometerStreamMetrics implements StreamMetrics {

	private final MeterRegistry registry;

	private final boolean channelTags;

	private final Counter opened;

	private final Counter closed;

	private final Counter unclaimed;

	private final ConcurrentMap<Object, Counter> counters = new ConcurrentHashMap<>();

	private final ConcurrentMap<UpdateOutcome, Timer> updates = new ConcurrentHashMap<>();

	private final Counter resyncs;

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 * @param channelTags whether to tag message meters with the channel name
	 */
	public MicrometerStreamMetrics(MeterRegistry registry, boolean channelTags) {
		this.registry = registry;
		this.channelTags = channelTags;
		this.opened = Counter.builder("evstream.connections.opened")
			.description("Connections opened")
			.register(registry);
		this.closed = Counter.builder("evstream.connections.closed")
			.description("Connections closed, by either side")
			.register(registry);
		this.unclaimed = Counter.builder("evstream.connections.unclaimed")
			.description("Streams closed because nothing started writing them: their request was abandoned")
			.register(registry);
		this.resyncs = Counter.builder("evstream.bus.resyncs")
			.description("Times the bus reconnected, or found it missed events, and this instance caught up")
			.register(registry);
	}

	@Override
	public void connectionOpened() {
		this.opened.increment();
	}

	@Override
	public void connectionClosed() {
		this.closed.increment();
	}

	@Override
	public void connectionUnclaimed() {
		this.unclaimed.increment();
	}

	@Override
	public void connectionRejected(Rejection reason) {
		counter(reason,
				(key) -> Counter.builder("evstream.connections.rejected")
					.description("Connections refused before any byte was streamed")
					.tag("reason", name(reason))
					.register(this.registry))
			.increment();
	}

	@Override
	public void messagePublished(String channel) {
		channelCounter("evstream.messages.published", "Messages accepted for a channel", channel).increment();
	}

	@Override
	public void delivered(String channel, int listeners) {
		channelCounter("evstream.messages.delivered", "Messages and state versions handed to listeners", channel)
			.increment(listeners);
	}

	@Override
	public void dropped(Drop reason, int events) {
		counter(reason,
				(key) -> Counter.builder("evstream.events.dropped")
					.description("Events dropped for a connection that could not keep up")
					.tag("reason", name(reason))
					.register(this.registry))
			.increment(events);
	}

	@Override
	public void coalesced(String channel) {
		channelCounter("evstream.events.coalesced", "Unsent state versions replaced by newer ones", channel)
			.increment();
	}

	@Override
	public void stateUpdated(UpdateOutcome outcome, long nanos) {
		this.updates
			.computeIfAbsent(outcome,
					(key) -> Timer.builder("evstream.state.updates")
						.description("Compare-and-set writes of states")
						.tag("outcome", name(outcome))
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void busResynced() {
		this.resyncs.increment();
	}

	@Override
	public void resumed(ResumeOutcome outcome) {
		counter(outcome,
				(key) -> Counter.builder("evstream.resumes")
					.description("Channels of reconnecting clients, replayed or reset")
					.tag("outcome", name(outcome))
					.register(this.registry))
			.increment();
	}

	@Override
	public void triggerFailed(String model) {
		counter(new TriggerKey(model),
				(key) -> Counter.builder("evstream.triggers.failed")
					.description("Triggers of the application that threw; the changes they were told of stand")
					.tag("model", model)
					.register(this.registry))
			.increment();
	}

	private Counter channelCounter(String name, String description, String channel) {
		String tag = this.channelTags ? channel : null;
		return counter(new ChannelKey(name, tag), (key) -> {
			Counter.Builder builder = Counter.builder(name).description(description);
			if (tag != null) {
				builder.tag("channel", tag);
			}
			return builder.register(this.registry);
		});
	}

	private Counter counter(Object key, Function<Object, Counter> create) {
		Counter counter = this.counters.get(key);
		return (counter != null) ? counter : this.counters.computeIfAbsent(key, create);
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private record ChannelKey(String meter, String channel) {
	}

	private record TriggerKey(String model) {
	}

}
