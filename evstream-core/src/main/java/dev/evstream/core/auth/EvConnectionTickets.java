package dev.evstream.core.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

import dev.evstream.core.store.TicketStore;
import reactor.core.publisher.Mono;

/**
 * Issues and redeems the single-use tickets that carry a principal from a request that
 * was authenticated to a stream route that cannot authenticate, such as one below the web
 * framework that sees no security context. A secured endpoint {@link #issue(EvPrincipal)
 * issues} a ticket to its caller, who opens the stream with it; the route
 * {@link #redeem(String) redeems} it for the principal. Tickets live in a
 * {@link TicketStore} of the backend, so that the two requests may reach different
 * instances.
 * <p>
 * A ticket is 128 random bits from a {@link SecureRandom}, written as 22 characters of
 * base64url without padding. It can be redeemed once, within its time to live
 * ({@link #DEFAULT_TIME_TO_LIVE 30 seconds} by default): enough to open a stream right
 * after asking for it, and short, so that a ticket that leaks (into a log, say) is soon
 * worth nothing.
 * <p>
 * The principal is kept as JSON, {@code {"name":…,"attributes":{…}}}, written and read
 * with a plain mapper rather than the application's, so that every instance reads what
 * any other wrote. Attributes come back as JSON values: strings, booleans, whole numbers
 * as the smallest of {@link Integer}, {@link Long} and {@link java.math.BigInteger} that
 * holds them, other numbers as {@link Double}, objects as maps, and arrays, sets and
 * other collections as lists; enums come back as their names. An attribute that is no
 * such value comes back as what Jackson writes it as, such as a map of its properties.
 * <p>
 * Both methods are cold: nothing is stored or taken until the returned {@link Mono} is
 * subscribed. They signal on the thread of the store, and fail as it does when the
 * backend cannot be reached.
 *
 * @since 0.1.0
 */
public final class EvConnectionTickets {

	/**
	 * The time to live of a ticket by default.
	 */
	public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(30);

	/**
	 * The length of every ticket: 128 bits of base64 without padding.
	 */
	static final int TICKET_LENGTH = 22;

	private static final int TICKET_BYTES = 16;

	// each attempt draws 128 fresh bits: a second collision in a row does not happen,
	// and a third would point at a store that answers false to everything
	private static final int MAX_ATTEMPTS = 3;

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final TicketStore store;

	private final Duration timeToLive;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Creates tickets that live {@link #DEFAULT_TIME_TO_LIVE 30 seconds}.
	 * @param store where the tickets are kept, the backend's
	 */
	public EvConnectionTickets(TicketStore store) {
		this(store, DEFAULT_TIME_TO_LIVE);
	}

	/**
	 * Creates tickets that live for a time.
	 * @param store where the tickets are kept, the backend's
	 * @param timeToLive how long a ticket can be redeemed after it was issued, positive
	 */
	public EvConnectionTickets(TicketStore store, Duration timeToLive) {
		this.store = Objects.requireNonNull(store, "'store' must not be null");
		Objects.requireNonNull(timeToLive, "'timeToLive' must not be null");
		if (timeToLive.isNegative() || timeToLive.isZero()) {
			throw new IllegalArgumentException("'timeToLive' must be positive, but was " + timeToLive);
		}
		this.timeToLive = timeToLive;
	}

	/**
	 * Returns how long a ticket can be redeemed after it was issued.
	 * @return the time to live
	 */
	public Duration timeToLive() {
		return this.timeToLive;
	}

	/**
	 * Issues a ticket bound to a principal.
	 * @param principal the principal a stream opened with the ticket runs as
	 * @return the ticket; an {@link IllegalArgumentException} if the principal's
	 * attributes cannot be written as JSON, or the store's error
	 */
	public Mono<EvConnectionTicket> issue(EvPrincipal principal) {
		Objects.requireNonNull(principal, "'principal' must not be null");
		return Mono.defer(() -> issue(PrincipalCodec.toJson(principal), 1));
	}

	private Mono<EvConnectionTicket> issue(String principal, int attempt) {
		String ticket = newTicket();
		return this.store.put(ticket, principal, this.timeToLive).flatMap((kept) -> {
			if (kept) {
				return Mono.just(new EvConnectionTicket(ticket, this.timeToLive));
			}
			if (attempt < MAX_ATTEMPTS) {
				return issue(principal, attempt + 1);
			}
			return Mono.error(new IllegalStateException(
					"Could not issue a ticket: the store held each of " + MAX_ATTEMPTS + " random tickets already"));
		});
	}

	/**
	 * Redeems a ticket for the principal it was issued to; the ticket cannot be redeemed
	 * again, on any instance.
	 * @param ticket the ticket the client presents
	 * @return the principal, or empty if the ticket is unknown, redeemed already,
	 * expired, or no ticket at all (the store is not asked then); an
	 * {@link IllegalStateException} if the store holds something else than a principal
	 * under the ticket, or the store's error
	 */
	public Mono<EvPrincipal> redeem(String ticket) {
		Objects.requireNonNull(ticket, "'ticket' must not be null");
		if (!isWellFormed(ticket)) {
			return Mono.empty();
		}
		return this.store.take(ticket).map(PrincipalCodec::fromJson);
	}

	private String newTicket() {
		byte[] bits = new byte[TICKET_BYTES];
		this.random.nextBytes(bits);
		return BASE64URL.encodeToString(bits);
	}

	/**
	 * Tells whether a string could be a ticket: 22 characters of the base64url alphabet,
	 * the last of which carries 2 bits and 4 zero bits of padding.
	 */
	static boolean isWellFormed(String ticket) {
		if (ticket.length() != TICKET_LENGTH) {
			return false;
		}
		for (int i = 0; i < TICKET_LENGTH - 1; i++) {
			if (!isBase64Url(ticket.charAt(i))) {
				return false;
			}
		}
		// A, Q, g and w are the characters whose low 4 bits are zero
		char last = ticket.charAt(TICKET_LENGTH - 1);
		return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
	}

	private static boolean isBase64Url(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}

}
