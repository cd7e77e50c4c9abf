package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one scenario against one server, as {@code name=value} lines in a fixed
 * order: printed for whoever runs the load generator, and written to a file that
 * {@link ResultsTable} reads.
 *
 * @since 0.1.0
 */
public final class ResultWriter {

	private final Map<String, String> values = new LinkedHashMap<>();

	/**
	 * Adds a text figure.
	 * @param name the name
	 * @param value the value
	 * @return this writer
	 */
	public ResultWriter put(String name, String value) {
		this.values.put(name, value);
		return this;
	}

	/**
	 * Adds a whole number.
	 * @param name the name
	 * @param value the value
	 * @return this writer
	 */
	public ResultWriter put(String name, long value) {
		return put(name, Long.toString(value));
	}

	/**
	 * Adds a decimal number, with four decimals.
	 * @param name the name
	 * @param value the value
	 * @return this writer
	 */
	public ResultWriter put(String name, double value) {
		return put(name, String.format(Locale.ROOT, "%.4f", value));
	}

	/**
	 * Returns the figures.
	 * @return the lines, one per figure
	 */
	public String text() {
		StringBuilder text = new StringBuilder();
		this.values.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
		return text.toString();
	}

	/**
	 * Writes the figures to a file.
	 * @param file the file
	 * @throws IOException if it cannot be written
	 */
	public void write(Path file) throws IOException {
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, text(), StandardCharsets.UTF_8);
	}

}
