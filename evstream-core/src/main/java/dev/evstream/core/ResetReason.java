package dev.evstream.core;

/**
 * Why a client is told to {@code reset} a channel: it missed messages that cannot be
 * replayed, and must treat what it knows of the channel as stale.
 */
enum ResetReason {

	/**
	 * The {@code Last-Event-ID} was not one evstream wrote.
	 */
	INVALID_ID("invalid-id"),

	/**
	 * The messages missed are older than the history keeps, or the history was lost.
	 */
	OUT_OF_HISTORY("out-of-history"),

	/**
	 * The history could not be read.
	 */
	UNAVAILABLE("unavailable");

	private final String code;

	ResetReason(String code) {
		this.code = code;
	}

	String code() {
		return this.code;
	}

}
