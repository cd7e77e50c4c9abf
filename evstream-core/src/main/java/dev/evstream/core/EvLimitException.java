package dev.evstream.core;

/**
 * A limit of the {@link EvStreamManager} was reached. Raised before any byte of the
 * stream is sent; the client may try again later.
 *
 * @since 0.1.0
 */
public abstract class EvLimitException extends EvException {

	private final int limit;

	EvLimitException(String message, int limit) {
		super(message);
		this.limit = limit;
	}

	/**
	 * Returns the limit that was reached.
	 * @return the limit
	 */
	public int limit() {
		return this.limit;
	}

}
