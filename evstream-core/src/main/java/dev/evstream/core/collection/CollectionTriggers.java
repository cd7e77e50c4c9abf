package dev.evstream.core.collection;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The triggers registered for collection changes, run one at a time in the order of the
 * changes this instance made, on a worker of the bounded elastic scheduler: off the event
 * loops, and free to block.
 */
final class CollectionTriggers implements Disposable {

	private static final Logger logger = Loggers.getLogger(CollectionTriggers.class);

	private final List<Registration> registrations = new CopyOnWriteArrayList<>();

	private final StreamMetrics metrics;

	private final Scheduler.Worker worker = Schedulers.boundedElastic().createWorker();

	CollectionTriggers(StreamMetrics metrics) {
		this.metrics = metrics;
	}

	Disposable add(String stream, @Nullable String group, @Nullable String id, EvCollectionTrigger<?> trigger) {
		Registration registration = new Registration(stream, group, id,
				Objects.requireNonNull(trigger, "'trigger' must not be null"));
		this.registrations.add(registration);
		return () -> this.registrations.remove(registration);
	}

	/**
	 * Runs the triggers of a change later; the change is decoded only if one matches.
	 */
	void fire(String stream, String group, String id, ChangeDecoder decoder) {
		List<Registration> matching = this.registrations.stream()
			.filter((registration) -> registration.matches(stream, group, id))
			.toList();
		if (matching.isEmpty()) {
			return;
		}
		this.worker.schedule(() -> run(matching, decoder));
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private void run(List<Registration> matching, ChangeDecoder decoder) {
		EvCollectionChange change;
		try {
			change = decoder.decode();
		}
		catch (RuntimeException ex) {
			logger.error("Could not read a collection change for its triggers", ex);
			this.metrics.triggerFailed("collection");
			return;
		}
		for (Registration registration : matching) {
			try {
				((EvCollectionTrigger) registration.trigger).onChange(change);
			}
			catch (Throwable ex) {
				logger.error("A trigger of collection '" + change.stream() + "' failed on item '" + change.group() + "/"
						+ change.id() + "'; the change stands", ex);
				this.metrics.triggerFailed("collection");
			}
		}
	}

	@Override
	public void dispose() {
		this.worker.dispose();
	}

	/**
	 * Decodes a change's items into the collection's type, on the triggers' worker.
	 */
	@FunctionalInterface
	interface ChangeDecoder {

		EvCollectionChange<?> decode();

	}

	private record Registration(String stream, @Nullable String group, @Nullable String id,
			EvCollectionTrigger<?> trigger) {

		boolean matches(String stream, String group, String id) {
			return this.stream.equals(stream) && (this.group == null || this.group.equals(group))
					&& (this.id == null || this.id.equals(id));
		}

	}

}
