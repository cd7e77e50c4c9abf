package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Turns the result files of one run of the script into Markdown: the figures of every
 * scenario and server, each evstream figure as a ratio to the baseline's and to plain
 * Netty's from the same run, and the verdict on each target. With {@code --doc}, the
 * table replaces what lies between the markers of that document.
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

	private static final List<String> SERVERS = List.of("evstream", "baseline", "netty");

	private final Map<String, ScenarioResult> results = new LinkedHashMap<>();

	/**
	 * Creates a table of the given results.
	 * @param results the results, in any order
	 */
	public ResultsTable(List<ScenarioResult> results) {
		for (ScenarioResult result : results) {
			this.results.put(key(result.scenario(), result.server()), result);
		}
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
	 * Renders the tables.
	 * @return Markdown
	 */
	public String markdown() {
		StringBuilder out = new StringBuilder();
		out.append("| scenario | server | clients × msg/s | deliveries/s | delivered/expected | duplicates "
				+ "| p50 ms | p99 ms | p99.9 ms | server CPU µs/delivery | server cores | server RSS peak MB "
				+ "| load generator cores |\n");
		out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (String scenario : SCENARIOS) {
			if (scenario.equals("C")) {
				continue;
			}
			for (String server : SERVERS) {
				ScenarioResult r = get(scenario, server);
				if (r == null) {
					continue;
				}
				String stalled = r.text("stalledClients").equals("-") ? ""
						: " (stalled: " + r.text("stalledClosed") + " of " + r.text("stalledClients") + " closed)";
				out.append(row(scenario, server + stalled, whole(r.number("clients")) + " × " + whole(r.number("rate")),
						whole(r.number("deliveriesPerSecond")), fixed(r.number("ratio"), 4),
						whole(r.number("duplicates")), fixed(r.number("p50Ms"), 2), fixed(r.number("p99Ms"), 2),
						fixed(r.number("p999Ms"), 2), fixed(r.number("serverCpuMicrosPerDelivery"), 2),
						fixed(r.number("serverCores"), 2), fixed(r.number("serverRssPeakMb"), 0),
						fixed(r.number("loadgenCores"), 2)));
			}
		}
		out.append("\n| C: idle connections | server | connections | RSS before MB | RSS with them MB "
				+ "| RSS per connection, bytes |\n");
		out.append("| --- | --- | --- | --- | --- | --- |\n");
		for (String server : SERVERS) {
			ScenarioResult r = get("C", server);
			if (r != null) {
				out.append(row("C", server, whole(r.number("connected")), fixed(r.number("serverRssEmptyMb"), 0),
						fixed(r.number("serverRssIdleMb"), 0), whole(r.number("rssBytesPerConnection"))));
			}
		}
		out.append("\n| evstream figure | evstream | × baseline | × plain Netty |\n");
		out.append("| --- | --- | --- | --- |\n");
		ratioRow(out, "A deliveries/s", "A", "deliveriesPerSecond", 0);
		ratioRow(out, "A p99 ms", "A", "p99Ms", 2);
		ratioRow(out, "A server CPU µs/delivery", "A", "serverCpuMicrosPerDelivery", 2);
		ratioRow(out, "A200 deliveries/s", "A200", "deliveriesPerSecond", 0);
		ratioRow(out, "A200 p99 ms", "A200", "p99Ms", 2);
		ratioRow(out, "A200 server CPU µs/delivery", "A200", "serverCpuMicrosPerDelivery", 2);
		ratioRow(out, "B deliveries/s", "B", "deliveriesPerSecond", 0);
		ratioRow(out, "B p99 ms", "B", "p99Ms", 2);
		ratioRow(out, "B server CPU µs/delivery", "B", "serverCpuMicrosPerDelivery", 2);
		ratioRow(out, "C RSS bytes per idle connection", "C", "rssBytesPerConnection", 0);
		ratioRow(out, "S p99 ms", "S", "p99Ms", 2);
		out.append("\n| target | figure | verdict |\n| --- | --- | --- |\n");
		for (TargetCheck check : checks()) {
			out.append(row(check.target(), check.figure(), check.verdict()));
		}
		return out.toString();
	}

	/**
	 * Checks the targets of the issue against the figures.
	 * @return one check per target, in the order of the issue
	 */
	public List<TargetCheck> checks() {
		List<TargetCheck> checks = new ArrayList<>();
		sustained(checks, "A", "A");
		sustained(checks, "B", "B");
		ScenarioResult a200 = get("A200", "evstream");
		double vsNetty = ratio("A200", "deliveriesPerSecond", "netty");
		double vsBaseline = ratio("A200", "deliveriesPerSecond", "baseline");
		checks.add(new TargetCheck("A200: deliveries/s ≥ 0.9× plain Netty's and ≥ 2.5× the baseline's",
				(a200 == null) ? "not measured" : whole(a200.number("deliveriesPerSecond")) + "/s = "
						+ fixed(vsNetty, 2) + "× Netty, " + fixed(vsBaseline, 2) + "× baseline",
				verdict(vsNetty >= 0.9 && vsBaseline >= 2.5)));
		double cpu = ratio("A", "serverCpuMicrosPerDelivery", "netty");
		checks.add(new TargetCheck("A: server CPU per delivery ≤ 1.3× plain Netty's",
				fixed(get("A", "evstream"), "serverCpuMicrosPerDelivery", 2) + " µs = " + fixed(cpu, 2) + "× Netty",
				verdict(cpu <= 1.3)));
		double rssNetty = ratio("C", "rssBytesPerConnection", "netty");
		double rssBaseline = ratio("C", "rssBytesPerConnection", "baseline");
		checks.add(
				new TargetCheck("C: RSS per idle connection ≤ 1.6× plain Netty's and ≤ 0.4× the baseline's",
						fixed(get("C", "evstream"), "rssBytesPerConnection", 0) + " B = " + fixed(rssNetty, 2)
								+ "× Netty, " + fixed(rssBaseline, 2) + "× baseline",
						verdict(rssNetty <= 1.6 && rssBaseline <= 0.4)));
		sustained(checks, "S", "A");
		ScenarioResult s = get("S", "evstream");
		ScenarioResult a = get("A", "evstream");
		boolean closed = s != null && s.number("stalledClosed") >= s.number("stalledClients");
		checks.add(new TargetCheck("S: the stalled client is closed by the overflow policy",
				(s == null) ? "not measured" : s.text("stalledClosed") + " of " + s.text("stalledClients") + " closed",
				verdict(closed)));
		double growth = (s != null && a != null) ? s.number("serverRssPeakMb") / a.number("serverRssPeakMb")
				: Double.NaN;
		checks.add(new TargetCheck(
				"S: server memory bounded (peak RSS at most 1.5× A's, though the stalled client was sent 32 MB)",
				(s == null) ? "not measured" : fixed(s.number("serverRssPeakMb"), 0) + " MB vs "
						+ fixed(a, "serverRssPeakMb", 0) + " MB at A",
				verdict(growth <= 1.5)));
		sustained(checks, "A-state", "A");
		return checks;
	}

	/**
	 * Checks that evstream sustained a scenario: the offered rate, every message once,
	 * and a p99 within 1.5× plain Netty's in the reference scenario.
	 */
	private void sustained(List<TargetCheck> checks, String scenario, String reference) {
		ScenarioResult r = get(scenario, "evstream");
		ScenarioResult netty = get(reference, "netty");
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

	private void ratioRow(StringBuilder out, String label, String scenario, String figure, int decimals) {
		ScenarioResult r = get(scenario, "evstream");
		if (r == null) {
			return;
		}
		out.append(row(label, fixed(r.number(figure), decimals), fixed(ratio(scenario, figure, "baseline"), 2),
				fixed(ratio(scenario, figure, "netty"), 2)));
	}

	private double ratio(String scenario, String figure, String other) {
		ScenarioResult ours = get(scenario, "evstream");
		ScenarioResult theirs = get(scenario, other);
		if (ours == null || theirs == null) {
			return Double.NaN;
		}
		double reference = theirs.number(figure);
		// a server that delivered nothing has no figure to compare with
		return (reference > 0) ? ours.number(figure) / reference : Double.NaN;
	}

	private @Nullable ScenarioResult get(String scenario, String server) {
		return this.results.get(key(scenario, server));
	}

	private static String key(String scenario, String server) {
		return scenario + "/" + server;
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
