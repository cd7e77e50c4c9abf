package dev.evstream.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.evstream.core.store.PresenceMember;
import dev.evstream.core.store.PresenceStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The embedded {@link PresenceStore}: members in this process's memory, under one lock.
 * Its instances are the ones that share this process, as in tests of several engines on
 * one backend.
 *
 * @since 0.1.0
 */
public final class InMemoryPresenceStore implements PresenceStore {

	// guarded by this; per channel, in the order members joined
	private final Map<String, LinkedHashMap<String, PresenceMember>> channels = new HashMap<>();

	// guarded by this; the nanoTime until which each instance counts as alive
	private final Map<String, Long> alive = new HashMap<>();

	InMemoryPresenceStore() {
	}

	@Override
	public Mono<Boolean> add(PresenceMember member, Duration aliveFor) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				// a mark that ran out stays here until the next eviction, yet is no mark:
				// the instance was not alive, and now is
				long now = System.nanoTime();
				this.alive.merge(member.instance(), now + aliveFor.toNanos(),
						(current, renewed) -> (current - now > 0) ? current : renewed);
				return this.channels.computeIfAbsent(member.channel(), (channel) -> new LinkedHashMap<>())
					.putIfAbsent(member.connectionId(), member) == null;
			}
		});
	}

	@Override
	public Mono<PresenceMember> remove(String channel, String connectionId) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				LinkedHashMap<String, PresenceMember> members = this.channels.get(channel);
				if (members == null) {
					return null;
				}
				PresenceMember removed = members.remove(connectionId);
				if (members.isEmpty()) {
					this.channels.remove(channel);
				}
				return removed;
			}
		});
	}

	@Override
	public Flux<PresenceMember> members(String channel) {
		return Flux.defer(() -> {
			synchronized (this) {
				LinkedHashMap<String, PresenceMember> members = this.channels.get(channel);
				return Flux.fromIterable((members != null) ? new ArrayList<>(members.values()) : List.of());
			}
		});
	}

	@Override
	public Mono<Long> count(String channel) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				LinkedHashMap<String, PresenceMember> members = this.channels.get(channel);
				return (members != null) ? (long) members.size() : 0L;
			}
		});
	}

	@Override
	public Mono<Boolean> heartbeat(String instance, Duration aliveFor) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				long now = System.nanoTime();
				Long until = this.alive.put(instance, now + aliveFor.toNanos());
				return until != null && until - now > 0;
			}
		});
	}

	@Override
	public Flux<PresenceMember> evictDead() {
		return Flux.defer(() -> {
			List<PresenceMember> evicted = new ArrayList<>();
			synchronized (this) {
				long now = System.nanoTime();
				Iterator<LinkedHashMap<String, PresenceMember>> channels = this.channels.values().iterator();
				while (channels.hasNext()) {
					LinkedHashMap<String, PresenceMember> members = channels.next();
					Iterator<PresenceMember> each = members.values().iterator();
					while (each.hasNext()) {
						PresenceMember member = each.next();
						Long until = this.alive.get(member.instance());
						if (until == null || until - now <= 0) {
							evicted.add(member);
							each.remove();
						}
					}
					if (members.isEmpty()) {
						channels.remove();
					}
				}
				this.alive.values().removeIf((until) -> until - now <= 0);
			}
			return Flux.fromIterable(evicted);
		});
	}

}
