package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the CPU time and resident memory of a process from Linux's {@code /proc}:
 * {@code stat} for user and system time in clock ticks, {@code status} for {@code VmRSS}.
 * The root is a parameter so that tests can give a fake one.
 *
 * @since 0.1.0
 */
public final class ProcReader {

	private final Path root;

	private final long ticksPerSecond;

	/**
	 * Creates a reader.
	 * @param root the {@code /proc} directory
	 * @param ticksPerSecond the clock ticks per second ({@code getconf CLK_TCK})
	 */
	public ProcReader(Path root, long ticksPerSecond) {
		this.root = root;
		this.ticksPerSecond = ticksPerSecond;
	}

	/**
	 * Reads a process now.
	 * @param pid the process id, or {@code self}
	 * @return its CPU time and resident memory
	 * @throws UncheckedIOException if the process cannot be read
	 */
	public Sample read(String pid) {
		Path dir = this.root.resolve(pid);
		return new Sample(System.nanoTime(), cpuNanos(read(dir.resolve("stat"))), rssKb(read(dir.resolve("status"))));
	}

	long cpuNanos(String stat) {
		// the command name may hold spaces and parentheses: fields are counted after the
		// last ')'
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
		long utime = Long.parseLong(fields[11]);
		long stime = Long.parseLong(fields[12]);
		return (utime + stime) * 1_000_000_000L / this.ticksPerSecond;
	}

	static long rssKb(String status) {
		for (String line : status.split("\n")) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.substring(6).trim().split(" +")[0]);
			}
		}
		throw new IllegalArgumentException("No VmRSS line in the status of the process");
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	/**
	 * A reading of a process.
	 *
	 * @param atNanos the load generator's clock when it was read
	 * @param cpuNanos the user and system CPU time so far
	 * @param rssKb the resident set size in KiB
	 */
	public record Sample(long atNanos, long cpuNanos, long rssKb) {

		/**
		 * Returns the CPU time spent between two readings.
		 * @param earlier the earlier reading
		 * @return the CPU time in nanoseconds
		 */
		public long cpuSince(Sample earlier) {
			return this.cpuNanos - earlier.cpuNanos;
		}

		/**
		 * Returns the share of one core used between two readings.
		 * @param earlier the earlier reading
		 * @return CPU time over wall time
		 */
		public double coresSince(Sample earlier) {
			long wall = this.atNanos - earlier.atNanos;
			return (wall <= 0) ? 0 : (double) cpuSince(earlier) / wall;
		}

	}

}
