package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Turns the result files of one run of the script into Markdown: the figures of every
 * scenario and server, one table per publisher, each evstream figure as a ratio to the
 * baseline's and to plain Netty's from the same run and publisher (and the old engine's
 * beside it, when the run had one), and the verdict on each target. With {@code --doc},
 * the table replaces what lies between the markers of that document.
 * <p>
 * Options: {@code --dir} (the result files), {@code --doc} (the document to update),
 * {@code --header} (a line put above the tables, such as the date and the machine).
 *
 * @since 0.1.0
 */
public final class ResultsTable {

	/**
	 * The line after which the table goes in the document.
	 */
	public static final String BEGIN = "<!-- results:begin -->";

	/**
	 * The line before which the table ends in the document.
	 */
	public static final String END = "<!-- results:end -->";

	private static final List<String> SCENARIOS = List.of("A", "A200", "B", "S", "A-state", "C");

	private static final List<String> SERVERS = List.of("evstream", "evstream-route", "evstream-old", "baseline",
			"netty");

	private static final List<String> PUBLISHERS = List.of("burst", "paced", "timer");

	/**
	 * The publisher whose figures the targets are checked against: one event at a time,
	 * as an application publishes, without the bursts of the open-loop publisher.
	 */
	static final String TARGET_PUBLISHER = "paced";

	private static final List<String> CLUSTER_SCENARIOS = List.of("A-cluster", "B-cluster");

	private final Map<String, ScenarioResult> results = new LinkedHashMap<>();

	/**
	 * The steps of R-max, by rate.
	 */
	private final List<ScenarioResult> steps = new ArrayList<>();

	/**
	 * Creates a table of the given results.
	 * @param results the results, in any order
	 */
	public ResultsTable(List<ScenarioResult> results) {
		for (ScenarioResult result : results) {
			if (result.scenario().equals("R-max")) {
				this.steps.add(result);
			}
			else {
				this.results.put(key(result.scenario(), publisherOf(result), result.server()), result);
			}
		}
		this.steps.sort(Comparator.comparingDouble((step) -> step.number("rate")));
	}

	/**
	 * Writes the table of a results directory, to standard output or into a document.
	 * @param args the options
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Options options = Options.parse(args);
		List<ScenarioResult> results = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(options.text("dir", "results")),
				"*.properties")) {
			for (Path file : files) {
				results.add(ScenarioResult.read(file));
			}
		}
		String markdown = options.text("header", "") + "\n\n" + new ResultsTable(results).markdown();
		String doc = options.text("doc", "");
		if (doc.isEmpty()) {
			System.out.println(markdown);
		}
		else {
			Path path = Path.of(doc);
			Files.writeString(path, replaceBetweenMarkers(Files.readString(path, StandardCharsets.UTF_8), markdown),
					StandardCharsets.UTF_8);
		}
	}

	/**
	 * Replaces what lies between the markers of a document.
	 * @param document the document
	 * @param content the new content
	 * @return the new document
	 * @throws IllegalArgumentException if the document lacks the markers
	 */
	public static String replaceBetweenMarkers(String document, String content) {
		int begin = document.indexOf(BEGIN);
		int end = document.indexOf(END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("The document needs the lines " + BEGIN + " and " + END);
		}
		return document.substring(0, begin + BEGIN.length()) + "\n" + content.strip() + "\n" + document.substring(end);
	}

	/**
	 * Returns the publishers that have results, in the order of the script.
	 * @return the publishers
	 */
	List<String> publishers() {
		List<String> present = new ArrayList<>();
		for (String publisher : PUBLISHERS) {
			for (String scenario : SCENARIOS) {
				if (!scenario.equals("C") && hasAny(scenario, publisher)) {
					present.add(publisher);
					break;
				}
			}
		}
		return present;
	}

	/**
	 * Renders the tables: one of the load scenarios per publisher, C once, the ratios per
	 * publisher, and the targets, checked for the {@value #TARGET_PUBLISHER} publisher.
	 * @return Markdown
	 */
	public String markdown() {
		StringBuilder out = new StringBuilder();
		for (String publisher : publishers()) {
			loadTable(out, publisher);
		}
		out.append("| C: idle connections | server | connections | RSS before MB | RSS with them MB "
				+ "| RSS per connection, bytes | live heap per connection, bytes |\n");
		out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
		for (String server : SERVERS) {
			ScenarioResult r = get("C", "-", server);
			if (r != null) {
				out.append(row("C", server, whole(r.number("connected")), fixed(r.number("serverRssEmptyMb"), 0),
						fixed(r.number("serverRssIdleMb"), 0), whole(r.number("rssBytesPerConnection")),
						whole(r.number("heapBytesPerConnection"))));
			}
		}
		for (String publisher : publishers()) {
			ratioTable(out, publisher);
		}
		clusterTable(out);
		rateTable(out);
		out.append("\nTargets, checked for the " + TARGET_PUBLISHER + " publisher:\n\n");
		out.append("| target | figure | verdict |\n| --- | --- | --- |\n");
		for (TargetCheck check : checks()) {
			out.append(row(check.target(), check.figure(), check.verdict()));
		}
		return out.toString();
	}

	private void loadTable(StringBuilder out, String publisher) {
		out.append("| scenario | publisher | server | clients × msg/s | deliveries/s | delivered/expected | duplicates "
				+ "| p50 ms | p99 ms | p99.9 ms | publisher max lag ms | server CPU µs/delivery | server cores "
				+ "| server RSS peak MB | load generator cores |\n");
		out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (String scenario : SCENARIOS) {
			if (scenario.equals("C")) {
				continue;
			}
			for (String server : SERVERS) {
				ScenarioResult r = get(scenario, publisher, server);
				if (r == null) {
					continue;
				}
				String stalled = r.text("stalledClients").equals("-") ? ""
						: " (stalled: " + r.text("stalledClosed") + " of " + r.text("stalledClients") + " closed)";
				out.append(row(scenario, publisher, server + stalled,
						whole(r.number("clients")) + " × " + whole(r.number("rate")),
						whole(r.number("deliveriesPerSecond")), fixed(r.number("ratio"), 4),
						whole(r.number("duplicates")), fixed(r.number("p50Ms"), 2), fixed(r.number("p99Ms"), 2),
						fixed(r.number("p999Ms"), 2), fixed(r.number("publishMaxLagMs"), 1),
						fixed(r.number("serverCpuMicrosPerDelivery"), 2), fixed(r.number("serverCores"), 2),
						fixed(r.number("serverRssPeakMb"), 0), fixed(r.number("loadgenCores"), 2)));
			}
		}
		out.append('\n');
	}

	private void ratioTable(StringBuilder out, String publisher) {
		boolean old = hasServer("evstream-old");
		out.append("\n| evstream figure, " + publisher + " publisher | evstream | × baseline | × plain Netty"
				+ (old ? " | old engine | old engine × plain Netty" : "") + " |\n");
		out.append("| --- | --- | --- | ---" + (old ? " | --- | ---" : "") + " |\n");
		for (String scenario : List.of("A", "A200", "B")) {
			ratioRow(out, scenario + " deliveries/s", scenario, publisher, "deliveriesPerSecond", 0, old);
			ratioRow(out, scenario + " p99 ms", scenario, publisher, "p99Ms", 2, old);
			ratioRow(out, scenario + " server CPU µs/delivery", scenario, publisher, "serverCpuMicrosPerDelivery", 2,
					old);
		}
		ratioRow(out, "C RSS bytes per idle connection", "C", "-", "rssBytesPerConnection", 0, old);
		ratioRow(out, "C live heap bytes per idle connection", "C", "-", "heapBytesPerConnection", 0, old);
		ratioRow(out, "S p99 ms", "S", publisher, "p99Ms", 2, old);
	}

	/**
	 * The cluster scenarios: each replica's figures beside the single node's at A from
	 * the same run and publisher, and the Redis hop, the second replica's median latency
	 * less the first's (the publisher's).
	 */
	private void clusterTable(StringBuilder out) {
		boolean any = false;
		for (String scenario : CLUSTER_SCENARIOS) {
			for (String publisher : PUBLISHERS) {
				ScenarioResult r = get(scenario, publisher, "evstream");
				if (r == null) {
					continue;
				}
				if (!any) {
					any = true;
					out.append("\n| cluster scenario | publisher | where | clients × msg/s | deliveries/s "
							+ "| × single node's | delivered/expected | p50 ms | p99 ms | Redis hop ms "
							+ "| server CPU µs/delivery | server cores | Redis cores | publisher max lag ms |\n");
					out.append(
							"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
				}
				String[] ports = r.text("ports").split(",");
				ScenarioResult single = get(scenario.replace("-cluster", ""), publisher, "evstream");
				double singleRate = (single != null) ? single.number("deliveriesPerSecond") : Double.NaN;
				for (int i = 0; i < ports.length; i++) {
					String port = "." + ports[i];
					String where = "replica " + (i + 1) + ((i == 0) ? " (publisher)" : "");
					String hop = (i == 0) ? "" : fixed(redisHopMillis(r, ports[0], ports[i]), 2);
					out.append(row(scenario, publisher, where,
							whole(r.number("clients" + port)) + " × " + whole(r.number("rate")),
							whole(r.number("deliveriesPerSecond" + port)),
							fixed(r.number("deliveriesPerSecond" + port) / singleRate, 2),
							fixed(r.number("ratio" + port), 4), fixed(r.number("p50Ms" + port), 2),
							fixed(r.number("p99Ms" + port), 2), hop,
							(i == 0) ? fixed(r.number("serverCpuMicrosPerDelivery"), 2) : "",
							(i == 0) ? fixed(r.number("serverCores"), 2) : "",
							(i == 0) ? fixed(r.number("redisCores"), 2) : "",
							(i == 0) ? fixed(r.number("publishMaxLagMs"), 1) : ""));
				}
				if (single != null) {
					out.append(row(scenario, publisher, "single node (" + single.scenario() + ")",
							whole(single.number("clients")) + " × " + whole(single.number("rate")), whole(singleRate),
							"1.00", fixed(single.number("ratio"), 4), fixed(single.number("p50Ms"), 2),
							fixed(single.number("p99Ms"), 2), "", fixed(single.number("serverCpuMicrosPerDelivery"), 2),
							fixed(single.number("serverCores"), 2), "", fixed(single.number("publishMaxLagMs"), 1)));
				}
			}
		}
	}

	/**
	 * Returns the Redis hop of a cluster result.
	 * @param result the result
	 * @param publisherPort the port of the replica the publisher used
	 * @param otherPort the port of another replica
	 * @return the other replica's median latency less the publisher's replica's, in ms
	 */
	static double redisHopMillis(ScenarioResult result, String publisherPort, String otherPort) {
		return result.number("p50Ms." + otherPort) - result.number("p50Ms." + publisherPort);
	}

	/**
	 * R-max: each rate step, and the highest that was sustained.
	 */
	private void rateTable(StringBuilder out) {
		if (this.steps.isEmpty()) {
			return;
		}
		out.append("\n| R-max step, msg/s | clients | deliveries/s | delivered/expected | p50 ms | p99 ms "
				+ "| timer max lag ms | server cores | Redis cores | sustained |\n");
		out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (ScenarioResult step : this.steps) {
			out.append(row(whole(step.number("rate")), whole(step.number("clients")),
					whole(step.number("deliveriesPerSecond")), fixed(step.number("ratio"), 4),
					fixed(step.number("p50Ms"), 2), fixed(step.number("p99Ms"), 2),
					fixed(step.number("publishMaxLagMs"), 1), fixed(step.number("serverCores"), 2),
					fixed(step.number("redisCores"), 2), sustained(step) ? "yes" : "no"));
		}
		double highest = highestSustainedRate();
		out.append("\nR-max: " + (Double.isNaN(highest) ? "no step sustained" : whole(highest) + " msg/s sustained")
				+ " on one channel through Redis (100 clients on the second replica, the first one's timer "
				+ "publishing).\n");
	}

	/**
	 * Returns whether an R-max step was sustained: every message delivered, p99 within 1
	 * s, and the timer at most 100 ms late.
	 * @param step the step's result
	 * @return whether it was sustained
	 */
	static boolean sustained(ScenarioResult step) {
		return step.number("ratio") >= 1.0 && step.number("p99Ms") <= 1000 && step.number("publishMaxLagMs") <= 100;
	}

	/**
	 * Returns the highest R-max rate sustained, the steps being taken in increasing rate
	 * until one is not.
	 * @return the rate, or NaN if the first step was not sustained
	 */
	double highestSustainedRate() {
		double highest = Double.NaN;
		for (ScenarioResult step : this.steps) {
			if (!sustained(step)) {
				break;
			}
			highest = step.number("rate");
		}
		return highest;
	}

	/**
	 * Checks the targets against the figures of the {@value #TARGET_PUBLISHER} publisher.
	 * @return one check per target
	 */
	public List<TargetCheck> checks() {
		String publisher = TARGET_PUBLISHER;
		List<TargetCheck> checks = new ArrayList<>();
		sustained(checks, "A", "A");
		sustained(checks, "B", "B");
		ScenarioResult a200 = get("A200", publisher, "evstream");
		double vsNetty = ratio("A200", publisher, "deliveriesPerSecond", "evstream", "netty");
		checks.add(new TargetCheck("A200: deliveries/s ≥ 0.9× plain Netty's",
				(a200 == null) ? "not measured"
						: whole(a200.number("deliveriesPerSecond")) + "/s = " + fixed(vsNetty, 2) + "× Netty",
				verdict(!Double.isNaN(vsNetty), vsNetty >= 0.9)));
		for (String scenario : List.of("A", "A200", "B")) {
			double cpu = ratio(scenario, publisher, "serverCpuMicrosPerDelivery", "evstream", "netty");
			ScenarioResult r = get(scenario, publisher, "evstream");
			checks.add(new TargetCheck(scenario + ": server CPU per delivery ≤ 1.3× plain Netty's",
					(r == null) ? "not measured"
							: fixed(r.number("serverCpuMicrosPerDelivery"), 2) + " µs = " + fixed(cpu, 2) + "× Netty",
					verdict(!Double.isNaN(cpu), cpu <= 1.3)));
		}
		ScenarioResult c = get("C", "-", "evstream");
		double rssNetty = ratio("C", "-", "rssBytesPerConnection", "evstream", "netty");
		checks.add(new TargetCheck("C: RSS per idle connection ≤ 2× plain Netty's",
				(c == null) ? "not measured"
						: whole(c.number("rssBytesPerConnection")) + " B = " + fixed(rssNetty, 2) + "× Netty",
				verdict(!Double.isNaN(rssNetty), rssNetty <= 2)));
		sustained(checks, "S", "A");
		ScenarioResult s = get("S", publisher, "evstream");
		ScenarioResult a = get("A", publisher, "evstream");
		boolean closed = s != null && s.number("stalledClosed") >= s.number("stalledClients");
		checks.add(new TargetCheck("S: the stalled client is closed by the overflow policy",
				(s == null) ? "not measured" : s.text("stalledClosed") + " of " + s.text("stalledClients") + " closed",
				verdict(s != null, closed)));
		double growth = (s != null && a != null) ? s.number("serverRssPeakMb") / a.number("serverRssPeakMb")
				: Double.NaN;
		checks
			.add(new TargetCheck(
					"S: server memory bounded (peak RSS at most 1.5× A's, though the stalled client was sent 32 MB)",
					(s == null) ? "not measured" : fixed(s.number("serverRssPeakMb"), 0) + " MB vs "
							+ fixed(a, "serverRssPeakMb", 0) + " MB at A",
					verdict(s != null && a != null, growth <= 1.5)));
		sustained(checks, "A-state", "A");
		return checks;
	}

	/**
	 * Checks that evstream sustained a scenario: the offered rate, every message once,
	 * and a p99 within 1.5× plain Netty's in the reference scenario.
	 */
	private void sustained(List<TargetCheck> checks, String scenario, String reference) {
		ScenarioResult r = get(scenario, TARGET_PUBLISHER, "evstream");
		ScenarioResult netty = get(reference, TARGET_PUBLISHER, "netty");
		String target = scenario + ": full offered rate, delivery ratio 1.0, p99 ≤ 1.5× plain Netty's"
				+ (scenario.equals(reference) ? "" : " at " + reference);
		if (r == null || netty == null) {
			checks.add(new TargetCheck(target, "not measured", "—"));
			return;
		}
		double rate = r.number("deliveriesPerSecond") / r.number("offeredDeliveriesPerSecond");
		double p99 = r.number("p99Ms") / netty.number("p99Ms");
		boolean complete = r.number("delivered") >= r.number("expected") && r.number("duplicates") == 0;
		String figure = whole(r.number("deliveriesPerSecond")) + "/s of "
				+ whole(r.number("offeredDeliveriesPerSecond")) + " offered, ratio " + fixed(r.number("ratio"), 4)
				+ ", " + whole(r.number("duplicates")) + " duplicates, p99 " + fixed(r.number("p99Ms"), 2) + " ms = "
				+ fixed(p99, 2) + "× Netty";
		checks.add(new TargetCheck(target, figure, verdict(rate >= 0.97 && complete && p99 <= 1.5)));
	}

	private void ratioRow(StringBuilder out, String label, String scenario, String publisher, String figure,
			int decimals, boolean old) {
		ScenarioResult r = get(scenario, publisher, "evstream");
		ScenarioResult previous = get(scenario, publisher, "evstream-old");
		if (r == null && previous == null) {
			return;
		}
		List<String> cells = new ArrayList<>(List.of(label, fixed(r, figure, decimals),
				fixed(ratio(scenario, publisher, figure, "evstream", "baseline"), 2),
				fixed(ratio(scenario, publisher, figure, "evstream", "netty"), 2)));
		if (old) {
			cells.add(fixed(previous, figure, decimals));
			cells.add(fixed(ratio(scenario, publisher, figure, "evstream-old", "netty"), 2));
		}
		out.append(row(cells.toArray(String[]::new)));
	}

	private double ratio(String scenario, String publisher, String figure, String server, String other) {
		ScenarioResult ours = get(scenario, publisher, server);
		ScenarioResult theirs = get(scenario, publisher, other);
		if (ours == null || theirs == null) {
			return Double.NaN;
		}
		double reference = theirs.number(figure);
		// a server that delivered nothing has no figure to compare with
		return (reference > 0) ? ours.number(figure) / reference : Double.NaN;
	}

	private boolean hasAny(String scenario, String publisher) {
		for (String server : SERVERS) {
			if (get(scenario, publisher, server) != null) {
				return true;
			}
		}
		return false;
	}

	private boolean hasServer(String server) {
		for (ScenarioResult result : this.results.values()) {
			if (result.server().equals(server)) {
				return true;
			}
		}
		return false;
	}

	private @Nullable ScenarioResult get(String scenario, String publisher, String server) {
		return this.results.get(key(scenario, publisher, server));
	}

	/**
	 * Returns the publisher of a result; files written before there was a choice were the
	 * open-loop publisher's.
	 */
	private static String publisherOf(ScenarioResult result) {
		String publisher = result.text("publisher");
		return publisher.equals("-") ? "burst" : publisher;
	}

	private static String key(String scenario, String publisher, String server) {
		// the idle scenario publishes nothing measured: one result per server
		return scenario + "/" + (scenario.equals("C") ? "-" : publisher) + "/" + server;
	}

	private static String verdict(boolean measured, boolean met) {
		return measured ? verdict(met) : "—";
	}

	private static String verdict(boolean met) {
		return met ? "met" : "**missed**";
	}

	private static String row(String... cells) {
		return "| " + String.join(" | ", cells) + " |\n";
	}

	private static String whole(double value) {
		return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,d", Math.round(value));
	}

	private static String fixed(double value, int decimals) {
		return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	private static String fixed(@Nullable ScenarioResult result, String figure, int decimals) {
		return (result != null) ? fixed(result.number(figure), decimals) : "—";
	}

	/**
	 * The verdict on one target.
	 *
	 * @param target what the issue asks
	 * @param figure what was measured
	 * @param verdict {@code met}, {@code missed}, or a dash when not measured
	 */
	public record TargetCheck(String target, String figure, String verdict) {

	}

}
