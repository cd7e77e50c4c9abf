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

	@Test
	void oneTablePerPublisherAndCOnce() {
		ResultsTable table = new ResultsTable(List.of(load("A", "evstream", "burst", 100_000, 1.0, 9.0, 5.0),
				load("A", "netty", "burst", 100_000, 1.0, 3.0, 4.0),
				load("A", "evstream", "timer", 100_000, 1.0, 2.0, 5.0),
				load("A", "netty", "timer", 100_000, 1.0, 1.0, 4.0), idle("evstream", 4_000), idle("netty", 2_000)));
		assertThat(table.publishers()).containsExactly("burst", "timer");
		String markdown = table.markdown();
		assertThat(markdown).contains("| A | burst | evstream | 1,000 × 100 | 100,000 |");
		assertThat(markdown).contains("| A | timer | netty | 1,000 × 100 | 100,000 |");
		assertThat(markdown).contains("| evstream figure, burst publisher |")
			.contains("| evstream figure, timer publisher |");
		assertThat(markdown).contains("| A p99 ms | 9.00 | — | 3.00 |").contains("| A p99 ms | 2.00 | — | 2.00 |");
		assertThat(markdown.split("\\| C \\| evstream \\|", -1)).hasSize(2);
		assertThat(markdown).contains("| C RSS bytes per idle connection | 4000 | — | 2.00 |");
	}

	@Test
	void targetsAreThePacedPublishers() {
		ResultsTable table = new ResultsTable(List.of(load("A", "evstream", "burst", 100_000, 1.0, 1.0, 5.0),
				load("A", "netty", "burst", 100_000, 1.0, 1.0, 5.0),
				load("A", "evstream", "paced", 100_000, 1.0, 3.0, 7.0),
				load("A", "netty", "paced", 100_000, 1.0, 1.0, 5.0),
				load("A200", "evstream", "paced", 180_000, 1.0, 1.0, 4.0),
				load("A200", "netty", "paced", 200_000, 1.0, 1.0, 4.0), idle("evstream", 4_000), idle("netty", 2_000)));
		assertThat(verdict(table, "A: full")).isEqualTo("**missed**");
		assertThat(verdict(table, "A: server CPU")).isEqualTo("**missed**");
		assertThat(verdict(table, "A200: deliveries")).isEqualTo("met");
		assertThat(verdict(table, "A200: server CPU")).isEqualTo("met");
		assertThat(verdict(table, "B: server CPU")).isEqualTo("—");
		assertThat(verdict(table, "C: RSS")).isEqualTo("met");
	}

	@Test
	void oldEngineStandsBesideTheNewOne() {
		ResultsTable table = new ResultsTable(List.of(load("A", "evstream", "paced", 100_000, 1.0, 2.0, 5.0),
				load("A", "evstream-old", "paced", 90_000, 1.0, 8.0, 10.0),
				load("A", "netty", "paced", 100_000, 1.0, 4.0, 5.0)));
		String markdown = table.markdown();
		assertThat(markdown).contains("| evstream figure, paced publisher | evstream | × baseline | × plain Netty "
				+ "| old engine | old engine × plain Netty |");
		assertThat(markdown).contains("| A p99 ms | 2.00 | — | 0.50 | 8.00 | 2.00 |");
		assertThat(markdown).contains("| A | paced | evstream-old | 1,000 × 100 | 90,000 |");
	}

	@Test
	void clusterTableHasEachReplicaTheSingleNodeAndTheRedisHop() {
		ScenarioResult cluster = ScenarioResult.of("scenario=A-cluster\nserver=evstream\npublisher=timer\nrate=100\n"
				+ "ports=18080,18081\nclients.18080=1000\nclients.18081=1000\ndeliveriesPerSecond.18080=99000\n"
				+ "deliveriesPerSecond.18081=50000\nratio.18080=1.0\nratio.18081=1.0\np50Ms.18080=4.5\n"
				+ "p50Ms.18081=7.0\np99Ms.18080=20\np99Ms.18081=30\nserverCpuMicrosPerDelivery=9\nserverCores=0.9\n"
				+ "redisCores=0.1\npublishMaxLagMs=2\n");
		assertThat(ResultsTable.redisHopMillis(cluster, "18080", "18081")).isEqualTo(2.5);
		ResultsTable table = new ResultsTable(List.of(cluster, load("A", "evstream", "timer", 100_000, 1.0, 3.0, 5.0)));
		String markdown = table.markdown();
		assertThat(markdown)
			.contains("| A-cluster | timer | replica 1 (publisher) | 1,000 × 100 | 99,000 | 0.99 | 1.0000 "
					+ "| 4.50 | 20.00 |  | 9.00 | 0.90 | 0.10 | 2.0 |");
		assertThat(markdown).contains(
				"| A-cluster | timer | replica 2 | 1,000 × 100 | 50,000 | 0.50 | 1.0000 | 7.00 " + "| 30.00 | 2.50 |");
		assertThat(markdown).contains("| A-cluster | timer | single node (A) | 1,000 × 100 | 100,000 | 1.00 |");
	}

	@Test
	void rateStepsStopAtTheFirstNotSustained() {
		ResultsTable table = new ResultsTable(List.of(step(5_000, 1.0, 900, 10), step(1_000, 1.0, 10, 1),
				step(2_000, 1.0, 20, 2), step(10_000, 1.0, 50, 150), step(20_000, 1.0, 50, 10)));
		assertThat(table.highestSustainedRate()).isEqualTo(5_000);
		assertThat(ResultsTable.sustained(step(1, 0.999, 1, 1))).isFalse();
		assertThat(ResultsTable.sustained(step(1, 1.0, 1001, 1))).isFalse();
		assertThat(table.markdown()).contains("| 10,000 | 100 |")
			.contains("| no |")
			.contains("R-max: 5,000 msg/s sustained");
		assertThat(new ResultsTable(List.of(step(1_000, 0.5, 10, 1))).highestSustainedRate()).isNaN();
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
		return load(scenario, server, "paced", rate, ratio, p99, cpu);
	}

	private static ScenarioResult idle(String server, double bytesPerConnection) {
		return ScenarioResult.of("scenario=C\nserver=" + server + "\nmode=idle\nconnected=5000\nrssBytesPerConnection="
				+ bytesPerConnection + "\n");
	}

	private static ScenarioResult step(double rate, double ratio, double p99, double lag) {
		return ScenarioResult.of("scenario=R-max\nserver=evstream\npublisher=timer\nclients=100\nrate=" + rate
				+ "\nratio=" + ratio + "\np99Ms=" + p99 + "\npublishMaxLagMs=" + lag + "\n");
	}

	private static ScenarioResult load(String scenario, String server, String publisher, double rate, double ratio,
			double p99, double cpu) {
		long expected = 2_000_000;
		long delivered = Math.round(expected * ratio);
		return ScenarioResult.of("scenario=" + scenario + "\nserver=" + server + "\npublisher=" + publisher
				+ "\nclients=1000\nrate=100\n" + "deliveriesPerSecond=" + rate
				+ "\nofferedDeliveriesPerSecond=100000\nratio=" + ratio + "\nexpected=" + expected + "\ndelivered="
				+ delivered + "\nduplicates=0\np99Ms=" + p99 + "\nserverCpuMicrosPerDelivery=" + cpu + "\n");
	}

}
