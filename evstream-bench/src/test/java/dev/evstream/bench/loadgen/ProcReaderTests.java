package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcReader}.
 */
class ProcReaderTests {

	@Test
	void readsCpuTicksAndRssOfAProcess(@TempDir Path proc) throws IOException {
		Path dir = Files.createDirectories(proc.resolve("4242"));
		// a command name with spaces and a parenthesis, as /proc allows
		Files.writeString(dir.resolve("stat"),
				"4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 40 0 100 0 0\n");
		Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n");
		ProcReader.Sample sample = new ProcReader(proc, 100).read("4242");
		assertThat(sample.cpuNanos()).isEqualTo(3_000_000_000L);
		assertThat(sample.rssKb()).isEqualTo(123456);
	}

	@Test
	void cpuAndCoresBetweenSamples() {
		ProcReader.Sample before = new ProcReader.Sample(0, 1_000_000_000L, 10);
		ProcReader.Sample after = new ProcReader.Sample(4_000_000_000L, 3_000_000_000L, 20);
		assertThat(after.cpuSince(before)).isEqualTo(2_000_000_000L);
		assertThat(after.coresSince(before)).isEqualTo(0.5);
	}

	@Test
	void readsThisProcess() {
		ProcReader.Sample self = new ProcReader(Path.of("/proc"), 100).read("self");
		assertThat(self.rssKb()).isPositive();
	}

}
