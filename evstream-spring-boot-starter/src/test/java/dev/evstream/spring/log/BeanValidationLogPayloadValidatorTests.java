package dev.evstream.spring.log;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

import dev.evstream.core.log.EvLogEventRejectedException;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class BeanValidationLogPayloadValidatorTests {

	private final ValidatorFactory factory = Validation.buildDefaultValidatorFactory();

	private final BeanValidationLogPayloadValidator validator = new BeanValidationLogPayloadValidator(
			this.factory.getValidator());

	@AfterEach
	void close() {
		this.factory.close();
	}

	@Test
	void validPayloadShouldPass() {
		assertThatNoException()
			.isThrownBy(() -> this.validator.validate("order", new Order("ann", 2, List.of(new Line("tea")))));
	}

	@Test
	void violationsShouldBeNamedByPathInOrder() {
		assertThatExceptionOfType(EvLogEventRejectedException.class)
			.isThrownBy(() -> this.validator.validate("order", new Order(" ", 0, List.of(new Line("")))))
			.withMessage("payload.amount: must be greater than 0; payload.customer: must not be blank; "
					+ "payload.lines[0].item: must not be blank");
	}

	@Test
	void violationOfThePayloadItselfShouldNameThePayload() {
		assertThatExceptionOfType(EvLogEventRejectedException.class)
			.isThrownBy(() -> this.validator.validate("range", new Range(5, 1)))
			.withMessage("payload: must not end before it starts");
	}

	record Order(@NotBlank String customer, @Positive int amount, @Size(max = 3) List<@Valid Line> lines) {
	}

	record Line(@NotBlank String item) {
	}

	@Ordered
	record Range(int from, int to) {

	}

	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Constraint(validatedBy = OrderedValidator.class)
	@interface Ordered {

		String message() default "must not end before it starts";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	public static class OrderedValidator implements ConstraintValidator<Ordered, Range> {

		@Override
		public boolean isValid(Range range, ConstraintValidatorContext context) {
			return range.from() <= range.to();
		}

	}

}
