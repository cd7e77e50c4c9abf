package dev.evstream.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.core.store.StateStore;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * When states end by themselves: the expiries every instance schedules for the states
 * with a {@link EvStateOptions#ttl time to live}, and the
 * {@link EvStateOptions#selfDestruct self-destruct rules} this instance declared, asked
 * after a client left a state's channel anywhere in the cluster.
 * <p>
 * Both end a state by a conditional removal of the life they were set for, so an end
 * happens once however many instances apply it, and never ends the state created again
 * meanwhile. The {@link EvStateManager} that owns this tells it of declarations, of each
 * life of a state it sees and each that ended, and of the messages of the bus.
 * <p>
 * Thread-safe.
 */
final class StateLifecycles implements AutoCloseable {

	// under the manager's name, as before these were split from it: applications set the
	// levels of public classes, not of package-private ones
	private static final Logger logger = Loggers.getLogger(EvStateManager.class);

	// the data of a presence channel's leave event starts so (see PresenceEvents)
	private static final String LEAVE = "{\"op\":\"leave\"";

	private final Engine engine;

	private final StateStore store;

	private final Backend backend;

	private final Function<String, @Nullable StateCell> cells;

	// the expiry scheduled for each state with a time to live, by key
	private final ConcurrentMap<String, Expiry> expiries = new ConcurrentHashMap<>();

	// the self-destruct rules of states declared here with one, by key; each holds for
	// the life of the state it was declared with
	private final ConcurrentMap<String, SelfDestruct> selfDestructs = new ConcurrentHashMap<>();

	// removals by expiry and evaluations of self-destruct rules under way
	private final Disposable.Composite running = Disposables.composite();

	/**
	 * Creates the lifecycles of the states of a manager.
	 * @param engine the engine, for its clock, scheduler and metrics
	 * @param backend the backend, whose state store removes states and whose presence
	 * store counts the clients of a channel
	 * @param cells the life of a state this instance holds now, by key
	 */
	StateLifecycles(Engine engine, Backend backend, Function<String, @Nullable StateCell> cells) {
		this.engine = Objects.requireNonNull(engine, "'engine' must not be null");
		this.backend = Objects.requireNonNull(backend, "'backend' must not be null");
		this.store = backend.stateStore();
		this.cells = Objects.requireNonNull(cells, "'cells' must not be null");
	}

	/**
	 * Returns when a life of a state created at a given time with a given time to live
	 * expires.
	 * @param createdAt the creation time, in epoch milliseconds
	 * @param ttl the time to live, or {@code null} for none
	 * @return epoch milliseconds, or {@link StateIncarnation#NEVER}
	 */
	static long expiresAt(long createdAt, @Nullable Duration ttl) {
		if (ttl == null) {
			return StateIncarnation.NEVER;
		}
		try {
			return Math.addExact(createdAt, ttl.toMillis());
		}
		catch (ArithmeticException ex) {
			// a time to live beyond the range of epoch milliseconds never runs out
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Takes the self-destruct rule, if any, of options a state was declared with here.
	 * @param cell the life of the state declared
	 * @param options the options it was declared with
	 * @throws IllegalArgumentException if that life was declared with another rule
	 */
	void declare(StateCell cell, EvStateOptions options) {
		EvStateSelfDestruct rule = options.selfDestruct();
		if (rule == null) {
			return;
		}
		SelfDestruct declared = new SelfDestruct(cell, rule);
		SelfDestruct existing = this.selfDestructs.putIfAbsent(cell.key, declared);
		if (existing == null || existing.rule == rule) {
			return;
		}
		if (existing.cell == cell) {
			throw new IllegalArgumentException("State '" + cell.key
					+ "' was declared with another self-destruct rule: declare it once, or with the same options");
		}
		// the rule of a life of the state that ended: this one replaces it
		this.selfDestructs.replace(cell.key, existing, declared);
	}

	/**
	 * Schedules the expiry of the life of a state a cell holds, if its incarnation tells
	 * one and it is not scheduled yet: every instance schedules it, and the conditional
	 * removal lets one of them apply it.
	 * @param cell a life of a state this instance holds
	 */
	void watchExpiry(StateCell cell) {
		if (cell.isProvisional() || cell.isRemoved()) {
			// a provisional state may yet take the incarnation the store holds
			return;
		}
		String incarnation = cell.stored().incarnation();
		long expiresAt = StateIncarnation.expiresAt(incarnation);
		if (expiresAt == StateIncarnation.NEVER) {
			return;
		}
		Expiry existing = this.expiries.get(cell.key);
		if (existing != null && existing.incarnation.equals(incarnation)) {
			return;
		}
		Expiry expiry = new Expiry(incarnation);
		Expiry replaced = this.expiries.put(cell.key, expiry);
		if (replaced != null) {
			replaced.task.dispose();
		}
		long delay = Math.max(0, expiresAt - this.engine.now());
		expiry.task
			.update(this.engine.scheduler().schedule(() -> expire(cell.key, expiry), delay, TimeUnit.MILLISECONDS));
	}

	/**
	 * Drops the expiry and self-destruct rule of a life of a state that ended; those of a
	 * newer life stay.
	 * @param cell the life that ended
	 */
	void ended(StateCell cell) {
		Expiry expiry = this.expiries.get(cell.key);
		if (expiry != null && expiry.incarnation.equals(cell.stored().incarnation())
				&& this.expiries.remove(cell.key, expiry)) {
			expiry.task.dispose();
		}
		SelfDestruct selfDestruct = this.selfDestructs.get(cell.key);
		if (selfDestruct != null && selfDestruct.cell == cell) {
			this.selfDestructs.remove(cell.key, selfDestruct);
		}
	}

	private void expire(String key, Expiry expiry) {
		if (!this.expiries.remove(key, expiry)) {
			return;
		}
		// out of the map before the call: if the store cannot be reached, the next
		// reload schedules it again, due at once
		run(this.store.remove(key, expiry.incarnation)
			.retryWhen(Retry.backoff(3, Duration.ofMillis(200)).scheduler(this.engine.scheduler())),
				"expire state '" + key + "'");
	}

	/**
	 * Asks the self-destruct rule of a state declared here, after a leave of its channel
	 * anywhere in the cluster, with the cluster's count of its clients.
	 * @param message a channel message of the bus, of a presence channel or not
	 */
	void onPresence(ChannelMessage message) {
		if (this.selfDestructs.isEmpty()) {
			return;
		}
		String key = EvPresence.watchedChannel(message.channel());
		if (key == null || !message.data().startsWith(LEAVE)) {
			return;
		}
		SelfDestruct selfDestruct = this.selfDestructs.get(key);
		StateCell cell = this.cells.apply(key);
		if (selfDestruct == null || cell == null || selfDestruct.cell != cell || cell.isProvisional()
				|| cell.isRemoved()) {
			return;
		}
		String incarnation = cell.stored().incarnation();
		Instant createdAt = Instant.ofEpochMilli(cell.createdAt());
		Mono<Long> count = this.backend.presenceStore().count(key);
		Duration timeout = this.backend.presenceStore().timeout();
		if (timeout != null) {
			count = count.timeout(timeout);
		}
		run(count.publishOn(Schedulers.boundedElastic())
			.filter((clientsLeft) -> shouldDestroy(selfDestruct.rule, key, clientsLeft, createdAt))
			.flatMap((clientsLeft) -> this.store.remove(key, incarnation)), "self-destruct state '" + key + "'");
	}

	private boolean shouldDestroy(EvStateSelfDestruct rule, String key, long clientsLeft, Instant createdAt) {
		try {
			return rule.shouldDestroy(clientsLeft, createdAt);
		}
		catch (RuntimeException ex) {
			this.engine.metrics.triggerFailed("state");
			logger.warn("The self-destruct rule of state '" + key + "' failed; the state stays", ex);
			return false;
		}
	}

	/**
	 * Runs a removal of this instance's own, logging its failure, until it ends or this
	 * closes.
	 */
	private void run(Mono<?> work, String what) {
		Disposable.Swap removal = Disposables.swap();
		if (!this.running.add(removal)) {
			return;
		}
		removal.update(work.doFinally((signal) -> this.running.remove(removal))
			.subscribe(null, (ex) -> logger.warn("Could not {}: {}", what, ex.toString())));
	}

	/**
	 * Cancels the removals under way and the expiries scheduled; rules stay, unused.
	 */
	@Override
	public void close() {
		this.running.dispose();
		this.expiries.values().forEach((expiry) -> expiry.task.dispose());
		this.expiries.clear();
	}

	/**
	 * The expiry scheduled for one life of a state.
	 */
	private static final class Expiry {

		final String incarnation;

		final Disposable.Swap task = Disposables.swap();

		Expiry(String incarnation) {
			this.incarnation = incarnation;
		}

	}

	/**
	 * A self-destruct rule, and the life of the state it was declared with.
	 */
	private record SelfDestruct(StateCell cell, EvStateSelfDestruct rule) {
	}

}
