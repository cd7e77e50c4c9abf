package dev.evstream.spring.presence;

import dev.evstream.core.presence.EvPresence;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import reactor.core.Disposable;
import reactor.core.Disposables;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The counters {@code evstream.presence.joins} and {@code evstream.presence.leaves},
 * moved by join and leave triggers on every channel. Triggers run once per join or leave
 * across the cluster, so the sum of a counter over the instances counts each join or
 * leave once, the leaves of a dead instance's members on the instance that evicted them.
 */
final class EvstreamPresenceMeters implements MeterBinder, AutoCloseable {

	private final ObjectProvider<EvPresence> presence;

	private final Disposable.Composite triggers = Disposables.composite();

	EvstreamPresenceMeters(ObjectProvider<EvPresence> presence) {
		this.presence = presence;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.presence.ifUnique((presence) -> {
			Counter joins = Counter.builder("evstream.presence.joins")
				.description("Channels joined by connections, once per join across the instances")
				.register(registry);
			Counter leaves = Counter.builder("evstream.presence.leaves")
				.description("Channels left by connections, once per leave across the instances")
				.register(registry);
			this.triggers.add(presence.onJoin("*", (event) -> joins.increment()));
			this.triggers.add(presence.onLeave("*", (event) -> leaves.increment()));
		});
	}

	/**
	 * Removes the triggers.
	 */
	@Override
	public void close() {
		this.triggers.dispose();
	}

}
