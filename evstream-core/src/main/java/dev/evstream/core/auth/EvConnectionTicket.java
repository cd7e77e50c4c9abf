package dev.evstream.core.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * A single-use ticket that lets a client open a stream as the principal it was issued to,
 * on whichever instance the stream reaches, as {@link EvConnectionTickets} issued it.
 * <p>
 * Its time is a duration rather than an instant, as the {@code expires_in} of OAuth:
 * counted from when the ticket was issued, it does not depend on the client's clock
 * agreeing with the server's.
 * <p>
 * The value is a credential until it is redeemed or expires: {@link #toString()} leaves
 * it out, so that logging a ticket does not leak it.
 *
 * @param value the ticket, 22 characters of base64url without padding
 * @param expiresIn how long after it was issued the ticket can be redeemed
 * @since 0.1.0
 */
public record EvConnectionTicket(String value, Duration expiresIn) {

	/**
	 * Creates a ticket.
	 * @param value the ticket
	 * @param expiresIn how long after it was issued the ticket can be redeemed, positive
	 */
	public EvConnectionTicket {
		Objects.requireNonNull(value, "'value' must not be null");
		Objects.requireNonNull(expiresIn, "'expiresIn' must not be null");
		if (expiresIn.isNegative() || expiresIn.isZero()) {
			throw new IllegalArgumentException("'expiresIn' must be positive, but was " + expiresIn);
		}
	}

	@Override
	public String toString() {
		return "EvConnectionTicket[value=(hidden), expiresIn=" + this.expiresIn + "]";
	}

}
