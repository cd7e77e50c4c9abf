package dev.evstream.spring.log;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogPayloadValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.util.Assert;

/**
 * Checks the payloads of events with a Bean Validation {@link Validator}: an event whose
 * payload breaks a constraint is rejected with a reason that names each broken one, such
 * as {@code payload.amount: must be greater than 0}, in the order of their paths.
 *
 * @since 0.1.0
 */
final class BeanValidationLogPayloadValidator implements EvLogPayloadValidator {

	private static final Comparator<ConstraintViolation<?>> ORDER = Comparator
		.comparing((ConstraintViolation<?> violation) -> violation.getPropertyPath().toString())
		.thenComparing(ConstraintViolation::getMessage);

	private final Validator validator;

	BeanValidationLogPayloadValidator(Validator validator) {
		Assert.notNull(validator, "'validator' must not be null");
		this.validator = validator;
	}

	@Override
	public void validate(String type, Object payload) {
		Set<ConstraintViolation<Object>> violations = this.validator.validate(payload);
		if (!violations.isEmpty()) {
			throw new EvLogEventRejectedException(violations.stream()
				.sorted(ORDER)
				.map(BeanValidationLogPayloadValidator::describe)
				.distinct()
				.collect(Collectors.joining("; ")));
		}
	}

	private static String describe(ConstraintViolation<?> violation) {
		String path = violation.getPropertyPath().toString();
		return (path.isEmpty() ? "payload" : "payload." + path) + ": " + violation.getMessage();
	}

}
