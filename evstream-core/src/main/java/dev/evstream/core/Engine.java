package dev.evstream.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * What the parts of one engine share: its scheduler, metrics, channel history, encoder,
 * the size of a connection's queue, and the drain groups of the event loops that write.
 * Channels and connections are given this rather than their manager, so that each sees
 * only what it uses.
 */
final class Engine {

	private static final Duration FIRST_RETRY = Duration.ofMillis(200);

	private static final Duration MAX_RETRY = Duration.ofSeconds(30);

	final ChannelHistory history;

	final StreamMetrics metrics;

	final SseEncoder encoder;

	final int bufferSize;

	private final Scheduler scheduler;

	private final ConcurrentMap<Executor, DrainGroup> drainGroups = new ConcurrentHashMap<>();

	// by whole channel name, such as a log's, or by prefix up to and including the first
	// '/', such as "todos/"
	private final ConcurrentMap<String, ChannelSnapshots> snapshots = new ConcurrentHashMap<>();

	private volatile ChannelMembership membership = ChannelMembership.NONE;

	Engine(ChannelHistory history, StreamMetrics metrics, SseEncoder encoder, int bufferSize, Scheduler scheduler) {
		this.history = history;
		this.metrics = metrics;
		this.encoder = encoder;
		this.bufferSize = bufferSize;
		this.scheduler = scheduler;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

	void runLater(Runnable task) {
		this.scheduler.schedule(task);
	}

	void runLater(Runnable task, Duration delay) {
		this.scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Returns the back-off of the engine's retries of its backend: from 200 ms up to 30
	 * s, with jitter, on the engine's scheduler, for as long as it takes.
	 */
	RetryBackoffSpec backoff() {
		return Retry.backoff(Long.MAX_VALUE, FIRST_RETRY).maxBackoff(MAX_RETRY).scheduler(this.scheduler);
	}

	/**
	 * Gives a channel, or the channels under a prefix ending with '/', to a model that
	 * starts them with a snapshot.
	 */
	void claim(String nameOrPrefix, ChannelSnapshots source) {
		ChannelSnapshots existing = this.snapshots.putIfAbsent(nameOrPrefix, source);
		if (existing != null && existing != source) {
			throw new IllegalStateException("Channel '" + nameOrPrefix + "' already belongs to another model");
		}
	}

	/**
	 * Returns the model that owns a channel, or {@code null} for a plain channel.
	 */
	@Nullable ChannelSnapshots snapshotsOf(String channel) {
		if (this.snapshots.isEmpty()) {
			return null;
		}
		ChannelSnapshots whole = this.snapshots.get(channel);
		if (whole != null) {
			return whole;
		}
		int slash = channel.indexOf('/');
		return (slash > 0) ? this.snapshots.get(channel.substring(0, slash + 1)) : null;
	}

	/**
	 * Gives the one watcher of who listens to which channel.
	 */
	void watchMembership(ChannelMembership membership) {
		if (this.membership != ChannelMembership.NONE) {
			throw new IllegalStateException("Channel membership is watched already");
		}
		this.membership = membership;
	}

	ChannelMembership membership() {
		return this.membership;
	}

	DrainGroup drainGroup(Executor executor) {
		return this.drainGroups.computeIfAbsent(executor, DrainGroup::new);
	}

	byte[] encode(EvMessage message) {
		return SseEncoder.encode(message.id(), message.event(), this.encoder.dataText(message.data()));
	}

}
