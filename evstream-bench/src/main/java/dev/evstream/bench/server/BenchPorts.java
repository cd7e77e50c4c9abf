package dev.evstream.bench.server;

/**
 * Where the benchmark servers listen unless told otherwise.
 *
 * @since 0.1.0
 */
public final class BenchPorts {

	/**
	 * The default port of every benchmark server; the script runs one at a time.
	 */
	public static final int DEFAULT = 18080;

	private BenchPorts() {
	}

}
