package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The server process as seen from outside: its CPU time and resident memory from
 * {@code /proc}, the peak of that memory over a window, and a full GC on request through
 * the JDK's {@code jcmd}, so that idle memory is measured without garbage, with the heap
 * its live objects use.
 *
 * @since 0.1.0
 */
final class ServerProbe {

	// a generation's or the whole heap's line, e.g. "tenured generation total 174784K,
	// used 23456K"
	private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

	private final ProcReader reader;

	private final @Nullable String pid;

	private final AtomicLong peakRssKb = new AtomicLong();

	private volatile boolean sampling;

	ServerProbe(ProcReader reader, @Nullable String pid) {
		this.reader = reader;
		this.pid = pid;
	}

	boolean present() {
		return this.pid != null;
	}

	ProcReader.@Nullable Sample read() {
		return (this.pid != null) ? this.reader.read(this.pid) : null;
	}

	/**
	 * Starts recording the peak resident memory, every 200 ms, until {@link #stopPeak()}.
	 */
	void startPeak() {
		if (this.pid == null) {
			return;
		}
		String process = this.pid;
		this.peakRssKb.set(0);
		this.sampling = true;
		Thread sampler = new Thread(() -> {
			while (this.sampling) {
				try {
					this.peakRssKb.accumulateAndGet(this.reader.read(process).rssKb(), Math::max);
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (RuntimeException ex) {
					// the server went away: the run reports it elsewhere
					return;
				}
			}
		}, "rss-sampler");
		sampler.setDaemon(true);
		sampler.start();
	}

	long stopPeak() {
		this.sampling = false;
		return this.peakRssKb.get();
	}

	/**
	 * Asks the server for a full GC and waits for it.
	 */
	void gc() throws IOException, InterruptedException {
		jcmd("GC.run");
	}

	/**
	 * Returns the heap the server uses, in KiB: after {@link #gc()}, its live objects.
	 * Unlike the resident memory, it does not count the heap pages that allocations
	 * touched before the collection.
	 * @return the used heap, or -1 without a server process
	 */
	long heapUsedKb() throws IOException, InterruptedException {
		String info = jcmd("GC.heap_info");
		return (info != null) ? usedHeapKb(info) : -1;
	}

	/**
	 * Returns the heap in use that {@code jcmd GC.heap_info} reports: the sum of its
	 * generations' (or regions') {@code used}.
	 * @param heapInfo what the command printed
	 * @return the used heap in KiB
	 * @throws IllegalArgumentException if the text reports no heap
	 */
	static long usedHeapKb(String heapInfo) {
		Matcher used = USED.matcher(heapInfo);
		long sum = 0;
		boolean found = false;
		while (used.find()) {
			sum += Long.parseLong(used.group(1));
			found = true;
		}
		if (!found) {
			throw new IllegalArgumentException("No heap usage in: " + heapInfo);
		}
		return sum;
	}

	private @Nullable String jcmd(String command) throws IOException, InterruptedException {
		if (this.pid == null) {
			return null;
		}
		Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
		Path jcmd = java.resolveSibling("jcmd");
		Process process = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", this.pid, command)
			.redirectErrorStream(true)
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("jcmd " + command + " did not finish within 60 s");
		}
		return new String(output, StandardCharsets.UTF_8);
	}

}
