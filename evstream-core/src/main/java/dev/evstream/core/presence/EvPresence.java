package dev.evstream.core.presence;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.ChannelMembership;
import dev.evstream.core.ChannelSnapshots.ChannelSnapshot;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.PresenceMember;
import dev.evstream.core.store.PresenceStore;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * Who listens to which channel, across the instances of an application, as iii's join and
 * leave triggers.
 * <p>
 * Every connection of this instance that listens to a channel is a member of it, kept in
 * the backend's {@link PresenceStore} with its principal's name, when it joined and which
 * instance holds it, so that {@link #members} and {@link #count} answer for the whole
 * cluster. Each instance marks itself alive every probe interval; when an instance stops
 * (killed, or cut off), its mark runs out after three intervals and the next instance to
 * probe evicts its members, so they leave within about four probe intervals.
 * <p>
 * {@link #onJoin} and {@link #onLeave} triggers run once per join or leave across the
 * cluster: on the instance that holds the connection, or, for the members of a dead
 * instance, on the one instance that evicted them. The joins and leaves of a channel that
 * {@link #broadcast} enabled, or that carries a state, are also told on the channel
 * {@code presence/<channel>}: its members as a {@code snapshot}, then each {@code join}
 * and {@code leave}, showing principal names only. Clients may follow the first kind (the
 * starter's endpoint refuses the others); the instances that declared a state that
 * destroys itself follow the second on the bus.
 * <p>
 * Membership changes of one instance are written to the store one at a time, in order;
 * one the store refuses is retried a few times and then dropped with a warning, so
 * presence is eventually right but may lag while the backend is unreachable.
 *
 * @since 0.1.0
 */
public final class EvPresence implements AutoCloseable {

	/**
	 * The prefix of the channels that show a channel's members:
	 * {@code presence/<channel>}.
	 */
	public static final String CHANNEL_PREFIX = "presence";

	/**
	 * The default interval at which an instance marks itself alive and evicts the members
	 * of dead instances.
	 */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final Logger logger = Loggers.getLogger(EvPresence.class);

	private static final SecureRandom random = new SecureRandom();

	private final EvStreamManager streams;

	private final PresenceStore store;

	private final ChannelHistory history;

	private final Duration probeInterval;

	private final String instance;

	private final PresenceTriggers triggers;

	private final List<ChannelPattern> broadcasts = new CopyOnWriteArrayList<>();

	// this instance's members, added again if it finds itself evicted
	private final ConcurrentMap<OwnKey, PresenceMember> own = new ConcurrentHashMap<>();

	private final Sinks.Many<Mono<Void>> changes = Sinks.many().unicast().onBackpressureBuffer();

	private final Disposable.Composite running = Disposables.composite();

	/**
	 * Creates the presence of a stream manager's connections, which it watches from now
	 * on, and starts marking this instance alive and evicting dead instances' members.
	 * @param streams the stream manager
	 * @param probeInterval how often this instance marks itself alive and evicts
	 */
	public EvPresence(EvStreamManager streams, Duration probeInterval) {
		this.streams = Objects.requireNonNull(streams, "'streams' must not be null");
		Objects.requireNonNull(probeInterval, "'probeInterval' must not be null");
		if (probeInterval.isNegative() || probeInterval.isZero()) {
			throw new IllegalArgumentException("'probeInterval' must be positive, but was " + probeInterval);
		}
		this.probeInterval = probeInterval;
		this.store = streams.backend().presenceStore();
		this.history = streams.backend().channelHistory();
		this.instance = newInstanceId();
		this.triggers = new PresenceTriggers(streams.metrics());
		streams.claimChannels(CHANNEL_PREFIX, this::snapshot);
		streams.watchMembership(new Membership());
		this.running.add(this.changes.asFlux()
			.concatMap((change) -> change.onErrorResume((ex) -> Mono.empty()), 32)
			.subscribe());
		this.running.add(Flux.interval(Duration.ZERO, probeInterval, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> probe(), 1)
			.subscribe());
		this.running.add(this.triggers);
	}

	/**
	 * Returns the id of this instance, which its members carry.
	 * @return the instance id
	 */
	public String instance() {
		return this.instance;
	}

	/**
	 * Reads the members of a channel, on every instance.
	 * @param channel the channel
	 * @return the members, in the order they joined
	 */
	public Mono<List<EvMember>> members(String channel) {
		Objects.requireNonNull(channel, "'channel' must not be null");
		return bounded(this.store.members(channel).map(EvPresence::member).collectList(), "read the members of",
				channel);
	}

	/**
	 * Counts the members of a channel, on every instance.
	 * @param channel the channel
	 * @return the number of members
	 */
	public Mono<Long> count(String channel) {
		Objects.requireNonNull(channel, "'channel' must not be null");
		return bounded(this.store.count(channel), "count the members of", channel);
	}

	/**
	 * Runs a trigger whenever a connection joins a channel the pattern matches.
	 * @param channelPattern a channel name in which {@code *} stands for any characters
	 * @param trigger the trigger
	 * @return a handle that removes the trigger
	 */
	public Disposable onJoin(String channelPattern, EvPresenceTrigger trigger) {
		return this.triggers.add(new ChannelPattern(channelPattern), EvPresenceEvent.Kind.JOIN,
				Objects.requireNonNull(trigger, "'trigger' must not be null"));
	}

	/**
	 * Runs a trigger whenever a connection leaves a channel the pattern matches, closes,
	 * or is evicted with its dead instance.
	 * @param channelPattern a channel name in which {@code *} stands for any characters
	 * @param trigger the trigger
	 * @return a handle that removes the trigger
	 */
	public Disposable onLeave(String channelPattern, EvPresenceTrigger trigger) {
		return this.triggers.add(new ChannelPattern(channelPattern), EvPresenceEvent.Kind.LEAVE,
				Objects.requireNonNull(trigger, "'trigger' must not be null"));
	}

	/**
	 * Lets clients listen to the members of the channels a pattern matches, on their
	 * {@code presence/<channel>} channels. Enable it on every instance.
	 * @param channelPattern a channel name in which {@code *} stands for any characters
	 */
	public void broadcast(String channelPattern) {
		this.broadcasts.add(new ChannelPattern(channelPattern));
	}

	/**
	 * Returns whether the members of a channel are shown on its presence channel.
	 * @param channel the channel (not its presence channel)
	 * @return whether {@link #broadcast} enabled it for clients
	 */
	public boolean isBroadcast(String channel) {
		for (ChannelPattern pattern : this.broadcasts) {
			if (pattern.matches(channel)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns the channel whose members a presence channel shows.
	 * @param channel a channel name
	 * @return the watched channel, or {@code null} if the name is no presence channel
	 */
	public static @Nullable String watchedChannel(String channel) {
		String prefix = CHANNEL_PREFIX + "/";
		return (channel.startsWith(prefix) && channel.length() > prefix.length()) ? channel.substring(prefix.length())
				: null;
	}

	/**
	 * Stops marking this instance alive and evicting; its members are evicted by the
	 * other instances once its mark runs out.
	 */
	@Override
	public void close() {
		this.running.dispose();
	}

	private Mono<ChannelSnapshot> snapshot(String presenceChannel) {
		String channel = Objects.requireNonNull(watchedChannel(presenceChannel));
		// the position first: a member who joins or leaves after it is also told after it
		return this.history.head(presenceChannel)
			.flatMap((sequence) -> this.store.members(channel)
				.collectList()
				.map((members) -> new ChannelSnapshot(sequence, PresenceEvents.snapshot(members))));
	}

	private void submit(Mono<Void> change) {
		synchronized (this.changes) {
			this.changes.tryEmitNext(change);
		}
	}

	private Mono<Void> joined(PresenceMember member) {
		this.own.put(new OwnKey(member.channel(), member.connectionId()), member);
		return retried(this.store.add(member, aliveFor()), "add", member).filter(Boolean::booleanValue)
			.flatMap((added) -> told(EvPresenceEvent.Kind.JOIN, member));
	}

	private Mono<Void> left(String channel, String connectionId) {
		this.own.remove(new OwnKey(channel, connectionId));
		return retried(this.store.remove(channel, connectionId), "remove", channel, connectionId)
			.flatMap((member) -> told(EvPresenceEvent.Kind.LEAVE, member));
	}

	/**
	 * Marks this instance alive, then evicts the members of dead ones and tells of their
	 * leaves. An instance paused for longer than its mark (a long collection, a frozen
	 * host) finds its own members evicted, and the others told of their leaves: it adds
	 * them again and tells of their joins, in the order of its other changes.
	 */
	private Mono<Void> probe() {
		return this.store.heartbeat(this.instance, aliveFor()).doOnNext((alive) -> {
			if (!alive) {
				this.own.values().forEach((member) -> submit(Mono.defer(() -> rejoined(member))));
			}
		})
			.thenMany(this.store.evictDead())
			.concatMap((member) -> told(EvPresenceEvent.Kind.LEAVE, member))
			.then()
			.onErrorResume((ex) -> {
				logger.debug("Presence could not probe: {}", ex.toString());
				return Mono.empty();
			});
	}

	/**
	 * Runs the triggers of a join or leave, and tells the channel's presence channel.
	 */
	private Mono<Void> told(EvPresenceEvent.Kind kind, PresenceMember member) {
		this.triggers.fire(new EvPresenceEvent(member.channel(), member(member), kind));
		if (!isBroadcast(member.channel()) && !this.streams.carriesState(member.channel())) {
			// nobody may follow it: a history per channel would only take memory
			return Mono.empty();
		}
		String presenceChannel = CHANNEL_PREFIX + "/" + member.channel();
		return this.history.append(presenceChannel, presenceChannel, PresenceEvents.change(kind, member))
			.then()
			.onErrorResume((ex) -> {
				logger.warn("Could not tell channel '{}' of a {}: {}", presenceChannel, kind.name().toLowerCase(),
						ex.toString());
				return Mono.empty();
			});
	}

	private Mono<Void> rejoined(PresenceMember member) {
		// only if it did not leave meanwhile: its leave came first in the queue
		if (!this.own.containsKey(new OwnKey(member.channel(), member.connectionId()))) {
			return Mono.empty();
		}
		return retried(this.store.add(member, aliveFor()), "add", member).filter(Boolean::booleanValue)
			.flatMap((added) -> told(EvPresenceEvent.Kind.JOIN, member));
	}

	private Duration aliveFor() {
		return this.probeInterval.multipliedBy(3);
	}

	private <T> Mono<T> retried(Mono<T> call, String what, Object... about) {
		return call.retryWhen(Retry.backoff(3, Duration.ofMillis(100))).onErrorResume((ex) -> {
			logger.warn("Presence could not {} {}: {}", what, List.of(about), ex.toString());
			return Mono.empty();
		});
	}

	private <T> Mono<T> bounded(Mono<T> call, String what, String channel) {
		Duration timeout = this.store.timeout();
		Mono<T> bounded = (timeout != null) ? call.timeout(timeout) : call;
		return bounded.onErrorMap((ex) -> !(ex instanceof EvUnavailableException),
				(ex) -> new EvUnavailableException("Could not " + what + " channel '" + channel + "'", ex));
	}

	private static EvMember member(PresenceMember member) {
		return new EvMember(member.connectionId(), member.principal(), Instant.ofEpochMilli(member.joinedAt()),
				member.instance());
	}

	private static String newInstanceId() {
		byte[] bytes = new byte[9];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Takes this instance's joins and leaves to the store, in order; a presence channel's
	 * own listeners are no members of anything.
	 */
	private final class Membership implements ChannelMembership {

		@Override
		public void joined(String channel, String connectionId, EvPrincipal principal) {
			if (watchedChannel(channel) == null) {
				PresenceMember member = new PresenceMember(channel, connectionId, principal.name(),
						System.currentTimeMillis(), EvPresence.this.instance);
				submit(Mono.defer(() -> EvPresence.this.joined(member)));
			}
		}

		@Override
		public void left(String channel, String connectionId, EvPrincipal principal) {
			if (watchedChannel(channel) == null) {
				submit(Mono.defer(() -> EvPresence.this.left(channel, connectionId)));
			}
		}

	}

	/**
	 * A member of this instance, by channel and connection. The two names are shared with
	 * the member rather than joined into a new string: one such key stays for every
	 * listener of every connection.
	 */
	private record OwnKey(String channel, String connectionId) {
	}

}
