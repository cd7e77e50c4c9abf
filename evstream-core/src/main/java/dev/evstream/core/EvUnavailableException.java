package dev.evstream.core;

/**
 * The backend shared by the instances (Redis, for example) could not be reached, or did
 * not answer in time, so a write could not be confirmed. When it could not be reached,
 * nothing was changed. When it did not answer in time (a frozen server, a stalled
 * network), the write may have reached it and may still be applied once it answers again:
 * a retry may then apply it twice, so retry only what is safe to apply twice.
 *
 * @since 0.1.0
 */
public class EvUnavailableException extends EvException {

	/**
	 * Creates the exception.
	 * @param message what could not be done
	 * @param cause the failure of the backend
	 */
	public EvUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
