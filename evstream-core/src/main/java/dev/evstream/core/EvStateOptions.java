package dev.evstream.core;

import java.util.Objects;

/**
 * How a state is broadcast.
 *
 * @param dataKey the field that holds the value in broadcast events: {@code data:
 * {"<dataKey>": <value>}}, {@code value} by default as evstream
 * @since 0.1.0
 */
public record EvStateOptions(String dataKey) {

	private static final EvStateOptions DEFAULTS = new EvStateOptions("value");

	/**
	 * Creates options, checking them.
	 * @param dataKey the data key
	 */
	public EvStateOptions {
		Objects.requireNonNull(dataKey, "'dataKey' must not be null");
		if (dataKey.isEmpty()) {
			throw new IllegalArgumentException("'dataKey' must not be empty");
		}
	}

	/**
	 * Returns the defaults: data key {@code value}.
	 * @return the default options
	 */
	public static EvStateOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns options with another data key.
	 * @param dataKey the data key
	 * @return the options
	 */
	public static EvStateOptions dataKey(String dataKey) {
		return new EvStateOptions(dataKey);
	}

}
