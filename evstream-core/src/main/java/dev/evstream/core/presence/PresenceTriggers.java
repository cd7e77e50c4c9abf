package dev.evstream.core.presence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.metrics.StreamMetrics;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The join and leave triggers, run one at a time in the order this instance saw the joins
 * and leaves, on a worker of the bounded elastic scheduler: off the event loops, and free
 * to block.
 */
final class PresenceTriggers implements Disposable {

	private static final Logger logger = Loggers.getLogger(PresenceTriggers.class);

	private final List<Registration> registrations = new CopyOnWriteArrayList<>();

	private final StreamMetrics metrics;

	private final Scheduler.Worker worker = Schedulers.boundedElastic().createWorker();

	PresenceTriggers(StreamMetrics metrics) {
		this.metrics = metrics;
	}

	Disposable add(ChannelPattern pattern, EvPresenceEvent.Kind kind, EvPresenceTrigger trigger) {
		Registration registration = new Registration(pattern, kind, trigger);
		this.registrations.add(registration);
		return () -> this.registrations.remove(registration);
	}

	void fire(EvPresenceEvent event) {
		List<Registration> matching = this.registrations.stream()
			.filter((registration) -> registration.kind == event.kind()
					&& registration.pattern.matches(event.channel()))
			.toList();
		if (!matching.isEmpty()) {
			this.worker.schedule(() -> run(matching, event));
		}
	}

	private void run(List<Registration> matching, EvPresenceEvent event) {
		for (Registration registration : matching) {
			try {
				registration.trigger.on(event);
			}
			catch (Throwable ex) {
				logger.error("A " + event.kind().name().toLowerCase() + " trigger of channel '" + event.channel()
						+ "' failed for connection " + event.member().connectionId(), ex);
				this.metrics.triggerFailed("presence");
			}
		}
	}

	@Override
	public void dispose() {
		this.worker.dispose();
	}

	private record Registration(ChannelPattern pattern, EvPresenceEvent.Kind kind, EvPresenceTrigger trigger) {
	}

}
