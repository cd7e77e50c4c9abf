package dev.evstream.bench.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options of the form {@code --name=value}, read with defaults.
 *
 * @since 0.1.0
 */
public final class Options {

	private final Map<String, String> values;

	private Options(Map<String, String> values) {
		this.values = values;
	}

	/**
	 * Reads the arguments of a main method.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException if an argument is not {@code --name=value} or
	 * {@code --flag}
	 */
	public static Options parse(String... args) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Options are --name=value, but got '" + arg + "'");
			}
			int equals = arg.indexOf('=');
			if (equals < 0) {
				values.put(arg.substring(2), "true");
			}
			else {
				values.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
		}
		return new Options(values);
	}

	/**
	 * Returns a text option.
	 * @param name the name
	 * @param defaultValue the value when absent
	 * @return the value
	 */
	public String text(String name, String defaultValue) {
		return this.values.getOrDefault(name, defaultValue);
	}

	/**
	 * Returns a whole-number option.
	 * @param name the name
	 * @param defaultValue the value when absent
	 * @return the value
	 */
	public int integer(String name, int defaultValue) {
		String value = this.values.get(name);
		return (value != null) ? Integer.parseInt(value.replace("_", "")) : defaultValue;
	}

	/**
	 * Returns a decimal option.
	 * @param name the name
	 * @param defaultValue the value when absent
	 * @return the value
	 */
	public double decimal(String name, double defaultValue) {
		String value = this.values.get(name);
		return (value != null) ? Double.parseDouble(value) : defaultValue;
	}

	/**
	 * Returns whether a flag is set.
	 * @param name the name
	 * @return whether it was given and not {@code false}
	 */
	public boolean flag(String name) {
		String value = this.values.get(name);
		return value != null && !value.equals("false");
	}

}
