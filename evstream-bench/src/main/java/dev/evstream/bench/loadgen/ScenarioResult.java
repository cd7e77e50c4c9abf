package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The figures of one scenario against one server, as the load generator wrote them.
 *
 * @since 0.1.0
 */
public final class ScenarioResult {

	private final Properties values;

	private ScenarioResult(Properties values) {
		this.values = values;
	}

	/**
	 * Reads a result file.
	 * @param file the file
	 * @return the result
	 * @throws IOException if it cannot be read
	 */
	public static ScenarioResult read(Path file) throws IOException {
		Properties values = new Properties();
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			values.load(reader);
		}
		return new ScenarioResult(values);
	}

	/**
	 * Makes a result from text, for tests.
	 * @param text {@code name=value} lines
	 * @return the result
	 */
	public static ScenarioResult of(String text) {
		Properties values = new Properties();
		try {
			values.load(new java.io.StringReader(text));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return new ScenarioResult(values);
	}

	/**
	 * Returns a figure as text.
	 * @param name the name
	 * @return the value, or {@code -} when absent
	 */
	public String text(String name) {
		return this.values.getProperty(name, "-");
	}

	/**
	 * Returns a figure as a number.
	 * @param name the name
	 * @return the value, or NaN when absent
	 */
	public double number(String name) {
		String value = this.values.getProperty(name);
		return (value != null) ? Double.parseDouble(value) : Double.NaN;
	}

	/**
	 * Returns the scenario name.
	 * @return the scenario
	 */
	public String scenario() {
		return text("scenario");
	}

	/**
	 * Returns the server name.
	 * @return the server
	 */
	public String server() {
		return text("server");
	}

}
