package dev.evstream.core;

/**
 * The backend shared by the instances (Redis, for example) cannot be reached, so a write
 * could not be made. Nothing was changed; the write may be tried again.
 *
 * @since 0.1.0
 */
public class EvUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what could not be done
	 * @param cause the failure of the backend
	 */
	public EvUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
