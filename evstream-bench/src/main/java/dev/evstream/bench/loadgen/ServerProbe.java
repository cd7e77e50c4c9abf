package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The server process as seen from outside: its CPU time and resident memory from
 * {@code /proc}, the peak of that memory over a window, and a full GC on request through
 * the JDK's {@code jcmd}, so that idle memory is measured without garbage.
 *
 * @since 0.1.0
 */
final class ServerProbe {

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
		if (this.pid == null) {
			return;
		}
		Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
		Path jcmd = java.resolveSibling("jcmd");
		Process process = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", this.pid, "GC.run")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("jcmd GC.run did not finish within 60 s");
		}
	}

}
