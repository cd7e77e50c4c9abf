package dev.evstream.core.memory;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import dev.evstream.core.store.TicketStore;
import reactor.core.publisher.Mono;

/**
 * The embedded {@link TicketStore}: tickets in this process's memory, under one lock.
 * Bounded in number, so that tickets issued and never used cannot grow the memory of the
 * process: expired tickets are swept as others are put and taken, and a put that would
 * hold more than {@link #DEFAULT_MAX_TICKETS} live tickets fails with an
 * {@link IllegalStateException}, storing nothing.
 *
 * @since 0.1.0
 */
public final class InMemoryTicketStore implements TicketStore {

	/**
	 * How many live tickets are kept at most.
	 */
	public static final int DEFAULT_MAX_TICKETS = 100_000;

	private final int maxTickets;

	private final LongSupplier nanoClock;

	// guarded by this; in the order tickets were put, which is their expiry order as long
	// as they are put for the same time, so the sweep mostly stops at the eldest
	private final LinkedHashMap<String, Ticket> tickets = new LinkedHashMap<>();

	// guarded by this; no ticket held expires before this nanoTime (the last full sweep
	// found it, and each put since lowers it): a full store of live tickets is not walked
	// again for every refused put
	private long nextExpiry;

	InMemoryTicketStore() {
		this(DEFAULT_MAX_TICKETS, System::nanoTime);
	}

	InMemoryTicketStore(int maxTickets, LongSupplier nanoClock) {
		this.maxTickets = maxTickets;
		this.nanoClock = nanoClock;
		this.nextExpiry = nanoClock.getAsLong();
	}

	@Override
	public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
		Objects.requireNonNull(ticket, "'ticket' must not be null");
		Objects.requireNonNull(value, "'value' must not be null");
		Objects.requireNonNull(timeToLive, "'timeToLive' must not be null");
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				long now = this.nanoClock.getAsLong();
				sweepEldest(now);
				Ticket earlier = this.tickets.get(ticket);
				if (earlier != null && earlier.expiresAt - now > 0) {
					return false;
				}
				if (earlier == null && this.tickets.size() >= this.maxTickets) {
					sweepAll(now);
					if (this.tickets.size() >= this.maxTickets) {
						throw new IllegalStateException(
								"Cannot keep ticket: the maximum of " + this.maxTickets + " live tickets is reached");
					}
				}
				// put again at the end, so that insertion order stays close to expiry
				// order
				this.tickets.remove(ticket);
				long expiresAt = now + Math.max(1, timeToLive.toNanos());
				this.tickets.put(ticket, new Ticket(value, expiresAt));
				if (expiresAt - this.nextExpiry < 0) {
					this.nextExpiry = expiresAt;
				}
				return true;
			}
		});
	}

	@Override
	public Mono<String> take(String ticket) {
		Objects.requireNonNull(ticket, "'ticket' must not be null");
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				long now = this.nanoClock.getAsLong();
				sweepEldest(now);
				Ticket taken = this.tickets.remove(ticket);
				// a ticket put for longer than the eldest may have expired behind it
				return (taken != null && taken.expiresAt - now > 0) ? taken.value : null;
			}
		});
	}

	/**
	 * Returns how many tickets are held, live or expired but not yet swept.
	 * @return the number of tickets
	 */
	synchronized int size() {
		return this.tickets.size();
	}

	private void sweepEldest(long now) {
		Iterator<Map.Entry<String, Ticket>> iterator = this.tickets.entrySet().iterator();
		while (iterator.hasNext()) {
			if (iterator.next().getValue().expiresAt - now > 0) {
				return;
			}
			iterator.remove();
		}
	}

	private void sweepAll(long now) {
		if (this.nextExpiry - now > 0) {
			return;
		}
		long next = Long.MAX_VALUE;
		boolean any = false;
		Iterator<Ticket> iterator = this.tickets.values().iterator();
		while (iterator.hasNext()) {
			long expiresAt = iterator.next().expiresAt;
			if (expiresAt - now <= 0) {
				iterator.remove();
			}
			else if (!any || expiresAt - next < 0) {
				next = expiresAt;
				any = true;
			}
		}
		this.nextExpiry = any ? next : now;
	}

	private record Ticket(String value, long expiresAt) {
	}

}
