#!/usr/bin/env bash
# Runs the fan-out scenarios against the three benchmark servers and writes the table of
# RESULTS.md. See RESULTS.md for what each scenario is and how to read the figures.
#
#   evstream-bench/bench.sh                 full run (about 11 minutes), updates RESULTS.md
#   evstream-bench/bench.sh --quick         shorter, smaller scenarios; table in target/bench-results only
#   evstream-bench/bench.sh --scenarios="A C" --servers="evstream netty"
#   evstream-bench/bench.sh --jmh           also runs the JMH benchmarks
#   evstream-bench/bench.sh --no-build      uses the jars already in target/
set -euo pipefail

cd "$(dirname "$0")"
BENCH_DIR=$(pwd)

QUICK=0
JMH=0
BUILD=1
SCENARIOS="A A200 B C S A-state"
SERVERS="evstream baseline netty"
for arg in "$@"; do
	case "$arg" in
		--quick) QUICK=1 ;;
		--jmh) JMH=1 ;;
		--no-build) BUILD=0 ;;
		--scenarios=*) SCENARIOS="${arg#*=}" ;;
		--servers=*) SERVERS="${arg#*=}" ;;
		*) echo "unknown option: $arg" >&2; exit 2 ;;
	esac
done

PORT=${BENCH_PORT:-18080}
DURATION=20
WARMUP=5
B_CLIENTS=10000
C_CLIENTS=19000
if [ "$QUICK" = 1 ]; then
	DURATION=5
	WARMUP=2
	B_CLIENTS=2000
	C_CLIENTS=5000
fi

# every server gets the same JVM flags; so does every run of the load generator
SERVER_JVM=(-Xms256m -Xmx2g -XX:+UseSerialGC -XX:+PerfDisableSharedMem)
LOADGEN_JVM=(-Xms1g -Xmx2g -Xmn512m -XX:+UseSerialGC -XX:+PerfDisableSharedMem)

# 19,000 connections need as many descriptors in the server and in the load generator
ulimit -n "$(ulimit -Hn)" || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((C_CLIENTS + 500)) ]; then
	echo "ulimit -n is $(ulimit -n): too low for $C_CLIENTS connections" >&2
	exit 1
fi

if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	SERVER_PIN=(taskset -c 0)
	LOADGEN_PIN=(taskset -c 1)
else
	echo "warning: taskset (util-linux) or a second core is missing: server and load generator are not pinned" >&2
	SERVER_PIN=()
	LOADGEN_PIN=()
fi
CLK_TCK=$(getconf CLK_TCK)

if [ "$BUILD" = 1 ]; then
	(cd .. && ./mvnw -q -DskipTests package -f evstream-bench/pom.xml)
fi
CLASSPATH_TOOLS="$BENCH_DIR/target/classes:$(cat "$BENCH_DIR/target/classpath.txt")"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$BENCH_DIR/target/bench-results/$STAMP"
mkdir -p "$OUT"
echo "results in $OUT"

SERVER_PID=
start_server() {
	local server=$1 log=$2
	case "$server" in
		evstream) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" -jar target/evstream-bench-server.jar --server.port="$PORT" >"$log" 2>&1 & ;;
		baseline) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" -jar target/evstream-bench-baseline.jar --server.port="$PORT" >"$log" 2>&1 & ;;
		netty) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" -jar target/evstream-bench-netty.jar --port="$PORT" >"$log" 2>&1 & ;;
		*) echo "unknown server $server" >&2; exit 2 ;;
	esac
	SERVER_PID=$!
	for _ in $(seq 1 300); do
		if (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "server $server died at start-up, see $log" >&2
			exit 1
		fi
		sleep 0.2
	done
	echo "server $server did not open port $PORT, see $log" >&2
	exit 1
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
	# lets the closed connections leave TIME_WAIT-free ports for the next scenario
	sleep 1
}
trap stop_server EXIT

scenario_args() {
	local load=(--duration="$DURATION" --warmup="$WARMUP" --payload=256)
	case "$1" in
		A) echo "${load[@]} --clients=1000 --rate=100" ;;
		A200) echo "${load[@]} --clients=1000 --rate=200" ;;
		B) echo "${load[@]} --clients=$B_CLIENTS --rate=10" ;;
		C) echo "--mode=idle --clients=$C_CLIENTS" ;;
		S) echo "${load[@]} --clients=1000 --rate=100 --stalled=1" ;;
		A-state) echo "${load[@]} --clients=1000 --rate=100 --channel=bench-state --publish-path=/state/bench-state" ;;
		*) echo "unknown scenario $1" >&2; exit 2 ;;
	esac
}

run_one() {
	local scenario=$1 server=$2
	echo "== $scenario on $server"
	start_server "$server" "$OUT/$scenario-$server.server.log"
	# shellcheck disable=SC2046
	"${LOADGEN_PIN[@]}" java "${LOADGEN_JVM[@]}" -jar target/evstream-bench-loadgen.jar \
		--port="$PORT" --sources=8 --server-pid="$SERVER_PID" --clk-tck="$CLK_TCK" \
		--scenario="$scenario" --server="$server" --out="$OUT/$scenario-$server.properties" \
		$(scenario_args "$scenario") >"$OUT/$scenario-$server.loadgen.log" 2>&1 \
		|| echo "load generator failed for $scenario on $server, see $OUT/$scenario-$server.loadgen.log" >&2
	grep -E '^(deliveriesPerSecond|ratio|p99Ms|serverCpuMicrosPerDelivery|serverCores|loadgenCores|rssBytesPerConnection|stalledClosed)=' \
		"$OUT/$scenario-$server.loadgen.log" | tr '\n' ' ' || true
	echo
	stop_server
}

START=$(date +%s)
for scenario in $SCENARIOS; do
	for server in $SERVERS; do
		# the state path exists on the starter-based server only
		if [ "$scenario" = A-state ] && [ "$server" != evstream ]; then
			continue
		fi
		run_one "$scenario" "$server"
	done
done

if [ "$JMH" = 1 ]; then
	echo "== JMH"
	"${SERVER_PIN[@]}" java -cp "$CLASSPATH_TOOLS" org.openjdk.jmh.Main -rf text -rff "$OUT/jmh.txt" \
		'dev.evstream.bench.jmh.*' | tail -20
fi

MODE=$([ "$QUICK" = 1 ] && echo quick || echo full)
HEADER="Run of $(date -u +%Y-%m-%d) ($MODE, $(($(date +%s) - START)) s): $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), Linux $(uname -r), $(java -version 2>&1 | head -1)."
java -cp "$CLASSPATH_TOOLS" dev.evstream.bench.loadgen.ResultsTable --dir="$OUT" --header="$HEADER" >"$OUT/table.md"
if [ "$QUICK" = 0 ] && [ "$SCENARIOS" = "A A200 B C S A-state" ] && [ "$SERVERS" = "evstream baseline netty" ]; then
	java -cp "$CLASSPATH_TOOLS" dev.evstream.bench.loadgen.ResultsTable --dir="$OUT" --header="$HEADER" --doc="$BENCH_DIR/RESULTS.md"
	echo "RESULTS.md updated"
fi
cat "$OUT/table.md"
echo "done in $(($(date +%s) - START)) s"
