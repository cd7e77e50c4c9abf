package dev.evstream.bench.loadgen;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ResultsTable}.
 */
class ResultsTableTests {

	@Test
	void ratiosAndVerdictsComeFromTheSameRun() {
		ResultsTable table = new ResultsTable(List.of(load("A", "evstream", 100_000, 1.0, 2.0, 5.0),
				load("A", "netty", 100_000, 1.0, 1.5, 4.0), load("A", "baseline", 100_000, 1.0, 50.0, 9.0)));
		String markdown = table.markdown();
		assertThat(markdown).contains("| A p99 ms | 2.00 | 0.04 | 1.33 |");
		assertThat(markdown).contains("| A server CPU µs/delivery | 5.00 | 0.56 | 1.25 |");
		assertThat(table.checks()).filteredOn((check) -> check.target().startsWith("A: full"))
			.singleElement()
			.satisfies((check) -> assertThat(check.verdict()).isEqualTo("met"));
		assertThat(table.checks()).filteredOn((check) -> check.target().startsWith("A: server CPU"))
			.singleElement()
			.satisfies((check) -> assertThat(check.verdict()).isEqualTo("met"));
	}

	@Test
	void lossOrSlowTailIsAMiss() {
		ResultsTable lossy = new ResultsTable(
				List.of(load("B", "evstream", 100_000, 0.99, 1.0, 5.0), load("B", "netty", 100_000, 1.0, 1.0, 4.0)));
		ResultsTable slow = new ResultsTable(
				List.of(load("B", "evstream", 100_000, 1.0, 1.6, 5.0), load("B", "netty", 100_000, 1.0, 1.0, 4.0)));
		assertThat(verdict(lossy, "B: full")).isEqualTo("**missed**");
		assertThat(verdict(slow, "B: full")).isEqualTo("**missed**");
	}

	@Test
	void missingScenariosAreNotMeasured() {
		ResultsTable table = new ResultsTable(List.of());
		assertThat(verdict(table, "A: full")).isEqualTo("—");
		assertThat(table.markdown()).contains("| target | figure | verdict |");
	}

	@Test
	void replacesOnlyWhatLiesBetweenTheMarkers() {
		String doc = "# Title\n\n" + ResultsTable.BEGIN + "\nold\n" + ResultsTable.END + "\n\nafter\n";
		assertThat(ResultsTable.replaceBetweenMarkers(doc, "new table\n"))
			.isEqualTo("# Title\n\n" + ResultsTable.BEGIN + "\nnew table\n" + ResultsTable.END + "\n\nafter\n");
		assertThatIllegalArgumentException().isThrownBy(() -> ResultsTable.replaceBetweenMarkers("# none", "x"));
	}

	private static String verdict(ResultsTable table, String prefix) {
		return table.checks()
			.stream()
			.filter((check) -> check.target().startsWith(prefix))
			.findFirst()
			.orElseThrow()
			.verdict();
	}

	private static ScenarioResult load(String scenario, String server, double rate, double ratio, double p99,
			double cpu) {
		long expected = 2_000_000;
		long delivered = Math.round(expected * ratio);
		return ScenarioResult.of("scenario=" + scenario + "\nserver=" + server
				+ "\npublisher=paced\nclients=1000\nrate=100\n" + "deliveriesPerSecond=" + rate
				+ "\nofferedDeliveriesPerSecond=100000\nratio=" + ratio + "\nexpected=" + expected + "\ndelivered="
				+ delivered + "\nduplicates=0\np99Ms=" + p99 + "\nserverCpuMicrosPerDelivery=" + cpu + "\n");
	}

}
