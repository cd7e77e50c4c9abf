package dev.evstream.core.log;

/**
 * Validates an event's payload before its handler runs, such as with Bean Validation's
 * constraints. The starter provides one when the application has a
 * {@code jakarta.validation.Validator}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvLogPayloadValidator {

	/**
	 * A validator that accepts every payload.
	 */
	EvLogPayloadValidator NONE = (type, payload) -> {
	};

	/**
	 * Validates a payload.
	 * @param type the event's type
	 * @param payload the payload, of the type its handler declared
	 * @throws EvLogEventRejectedException with the reason if it is not valid
	 */
	void validate(String type, Object payload);

}
