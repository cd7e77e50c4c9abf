package dev.evstream.spring;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Thrown at start-up when evstream's core refuses the value of an {@code evstream.*}
 * property. The core validates every setting it is given; this exception names the
 * property that carried the value, so that the failure analysis points at the
 * configuration rather than at a builder.
 *
 * @since 0.1.0
 */
public class InvalidEvstreamPropertyException extends RuntimeException {

	private final String name;

	private final @Nullable Object value;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param name the name of the property, such as {@code evstream.max-connections}
	 * @param value the value that was refused
	 * @param reason why it was refused
	 * @param cause the exception of the component that refused it, if any
	 */
	public InvalidEvstreamPropertyException(String name, @Nullable Object value, String reason,
			@Nullable Throwable cause) {
		super("Invalid value '" + value + "' for property '" + name + "': " + reason, cause);
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(reason, "'reason' must not be null");
		this.name = name;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Passes a property's value to the core setting that validates it, and turns the
	 * {@link IllegalArgumentException} it throws for a value it refuses into an
	 * {@link InvalidEvstreamPropertyException} that names the property.
	 * @param <T> the type of the value
	 * @param name the name of the property
	 * @param value the value of the property
	 * @param setting the core setting that takes the value
	 * @throws InvalidEvstreamPropertyException if the setting refuses the value
	 */
	public static <T> void apply(String name, T value, Consumer<? super T> setting) {
		try {
			setting.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEvstreamPropertyException(name, value, String.valueOf(ex.getMessage()), ex);
		}
	}

	/**
	 * Returns the name of the property.
	 * @return the name, such as {@code evstream.max-connections}
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Returns the value that was refused.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Returns why the value was refused.
	 * @return the reason, as the component that refused it gave it
	 */
	public String getReason() {
		return this.reason;
	}

}
