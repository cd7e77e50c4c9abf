#!/usr/bin/env bash
# Runs the fan-out scenarios against the three benchmark servers and writes the table of
# RESULTS.md. See RESULTS.md for what each scenario is and how to read the figures.
#
#   evstream-bench/bench.sh                 full run (about 40 minutes), updates RESULTS.md
#   evstream-bench/bench.sh --quick         shorter, smaller scenarios (about 25 minutes); table in target/bench-results only
#   evstream-bench/bench.sh --scenarios="A C" --servers="evstream netty" --publishers="paced"
#   evstream-bench/bench.sh --jmh           also runs the JMH benchmarks
#   evstream-bench/bench.sh --no-build      uses the jars already in target/
#   evstream-bench/bench.sh --old-engine=REV
#                                           adds server evstream-old: these bench sources built
#                                           against the engine (core, starter) of git revision REV
#   evstream-bench/bench.sh --io-workers=N  runs the Reactor Netty servers with N event loops
#                                           (-Dreactor.netty.ioWorkerCount); by default as many as
#                                           the server's cores (1 when pinned); 0 for Reactor Netty's
#                                           own default (4 at least)
#
# Every load scenario runs once per publisher (burst, paced, timer; see RESULTS.md) on each
# server; C, idle connections, runs once per server. A-cluster (and B-cluster, when named)
# runs two replicas of the starter-based server on one Redis, once per publisher; R-max
# steps up the rate one channel sustains through Redis. The durations above are those of a
# shared two-core machine: a server that cannot keep up with the paced publisher holds it
# back, which lengthens its runs.
set -euo pipefail

cd "$(dirname "$0")"
BENCH_DIR=$(pwd)

QUICK=0
JMH=0
BUILD=1
DEFAULT_SCENARIOS="A A200 B C S A-state A-cluster R-max"
DEFAULT_SERVERS="evstream baseline netty"
DEFAULT_PUBLISHERS="burst paced timer"
SCENARIOS=$DEFAULT_SCENARIOS
SERVERS=$DEFAULT_SERVERS
PUBLISHERS=$DEFAULT_PUBLISHERS
OLD_ENGINE=
IO_WORKERS=
for arg in "$@"; do
	case "$arg" in
		--quick) QUICK=1 ;;
		--jmh) JMH=1 ;;
		--no-build) BUILD=0 ;;
		--scenarios=*) SCENARIOS="${arg#*=}" ;;
		--servers=*) SERVERS="${arg#*=}" ;;
		--publishers=*) PUBLISHERS="${arg#*=}" ;;
		--old-engine=*) OLD_ENGINE="${arg#*=}" ;;
		--io-workers=*) IO_WORKERS="${arg#*=}" ;;
		*) echo "unknown option: $arg" >&2; exit 2 ;;
	esac
done
# the old engine runs beside the current one unless --servers names the servers
if [ -n "$OLD_ENGINE" ] && [[ " $SERVERS " != *" evstream-old "* ]]; then
	SERVERS="$SERVERS evstream-old"
fi

PORT=${BENCH_PORT:-18080}
# 15 s windows: three publishers triple the runs, and 1,500 messages per window still
# give stable percentiles
DURATION=15
WARMUP=5
R_DURATION=10
R_WARMUP=2
B_CLIENTS=10000
C_CLIENTS=19000
if [ "$QUICK" = 1 ]; then
	DURATION=5
	WARMUP=2
	R_DURATION=5
	R_WARMUP=1
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
# event loops sized to the server's cores, as the README advises for production: Reactor
# Netty's default of at least 4 loops makes them take turns on one core
DEFAULT_IO_WORKERS=$([ ${#SERVER_PIN[@]} -gt 0 ] && echo 1 || nproc)
IO_WORKERS=${IO_WORKERS:-$DEFAULT_IO_WORKERS}
# the event loops of the two Reactor Netty servers, 0 leaves Reactor Netty's default; plain Netty has one
REACTOR_JVM=()
if [ -n "$IO_WORKERS" ] && [ "$IO_WORKERS" != 0 ]; then
	REACTOR_JVM=(-Dreactor.netty.ioWorkerCount="$IO_WORKERS")
fi
CLK_TCK=$(getconf CLK_TCK)

if [ "$BUILD" = 1 ]; then
	(cd .. && ./mvnw -q -DskipTests package -pl evstream-bench -am)
fi

# The old engine: these bench sources built against the core and starter of another
# revision, in a worktree of its own, without installing anything into the local Maven
# repository (that would replace the snapshots the current build uses).
build_old_engine() {
	local rev=$1 tree="$BENCH_DIR/target/old-engine"
	echo "== building evstream-old at $rev"
	git -C "$BENCH_DIR" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
	git -C "$BENCH_DIR" worktree add --detach "$tree" "$rev" >/dev/null
	rm -rf "$tree/evstream-bench"
	mkdir -p "$tree/evstream-bench"
	cp -r "$BENCH_DIR/pom.xml" "$BENCH_DIR/src" "$tree/evstream-bench/"
	if ! (cd "$tree" && ./mvnw -q -DskipTests package -pl evstream-bench -am) >"$BENCH_DIR/target/old-engine.log" 2>&1; then
		echo "the old engine at $rev did not build, see target/old-engine.log" >&2
		git -C "$BENCH_DIR" worktree remove --force "$tree"
		exit 1
	fi
	cp "$tree/evstream-bench/target/evstream-bench-server.jar" "$BENCH_DIR/target/evstream-bench-server-old.jar"
	git -C "$BENCH_DIR" worktree remove --force "$tree"
	echo "$rev ($(git -C "$BENCH_DIR" rev-parse --short "$rev"))" >"$BENCH_DIR/target/evstream-bench-server-old.rev"
}
if [ -n "$OLD_ENGINE" ]; then
	build_old_engine "$OLD_ENGINE"
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
		evstream) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" "${REACTOR_JVM[@]}" -jar target/evstream-bench-server.jar --server.port="$PORT" >"$log" 2>&1 & ;;
		evstream-route) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" "${REACTOR_JVM[@]}" -jar target/evstream-bench-server.jar --server.port="$PORT" --evstream.transport=route >"$log" 2>&1 & ;;
		evstream-old) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" "${REACTOR_JVM[@]}" -jar target/evstream-bench-server-old.jar --server.port="$PORT" >"$log" 2>&1 & ;;
		baseline) "${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" "${REACTOR_JVM[@]}" -jar target/evstream-bench-baseline.jar --server.port="$PORT" >"$log" 2>&1 & ;;
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

# --- the cluster scenarios: two replicas of the starter-based server on one Redis, all on
# the server core with Redis; the load generator on its own core as always

REDIS_PID=
REPLICA_PIDS=()
REDIS_PORT=
REPLICA_PORTS=("$PORT" "$((PORT + 1))")

redis_binary() {
	if command -v redis-server >/dev/null; then
		command -v redis-server
		return
	fi
	# the binary the test kit uses, shipped in the embedded-redis jar (see the test kit's RedisServer)
	local binary="$BENCH_DIR/target/redis-server"
	if [ ! -x "$binary" ]; then
		unzip -p "$BENCH_DIR/target/embedded-redis.jar" redis-server-6.2.6-v5-linux-amd64 >"$binary"
		chmod +x "$binary"
	fi
	echo "$binary"
}

free_port() {
	local port
	for port in $(seq "$((PORT + 100))" "$((PORT + 200))"); do
		if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	echo "no free port for Redis" >&2
	exit 1
}

await_port() {
	local port=$1 pid=$2 what=$3 log=$4
	for _ in $(seq 1 300); do
		if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$what died at start-up, see $log" >&2
			exit 1
		fi
		sleep 0.2
	done
	echo "$what did not open port $port, see $log" >&2
	exit 1
}

start_cluster() {
	local log=$1
	REDIS_PORT=$(free_port)
	"${SERVER_PIN[@]}" "$(redis_binary)" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
		>"$log.redis.log" 2>&1 &
	REDIS_PID=$!
	await_port "$REDIS_PORT" "$REDIS_PID" "redis-server" "$log.redis.log"
	local port
	for port in "${REPLICA_PORTS[@]}"; do
		"${SERVER_PIN[@]}" java "${SERVER_JVM[@]}" "${REACTOR_JVM[@]}" -jar target/evstream-bench-cluster.jar \
			--server.port="$port" --evstream.redis.enabled=true --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
			>"$log.$port.server.log" 2>&1 &
		REPLICA_PIDS+=("$!")
	done
	local i
	for i in "${!REPLICA_PORTS[@]}"; do
		await_port "${REPLICA_PORTS[$i]}" "${REPLICA_PIDS[$i]}" "replica on ${REPLICA_PORTS[$i]}" "$log.${REPLICA_PORTS[$i]}.server.log"
	done
}

stop_cluster() {
	local pid
	for pid in "${REPLICA_PIDS[@]}" $REDIS_PID; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	REPLICA_PIDS=()
	REDIS_PID=
	sleep 1
}

stop_all() {
	stop_server
	stop_cluster
}
trap stop_all EXIT

scenario_args() {
	local load=(--duration="$DURATION" --warmup="$WARMUP" --payload=256)
	case "$1" in
		A) echo "${load[@]} --clients=1000 --rate=100" ;;
		A200) echo "${load[@]} --clients=1000 --rate=200" ;;
		B) echo "${load[@]} --clients=$B_CLIENTS --rate=10" ;;
		C) echo "--mode=idle --clients=$C_CLIENTS" ;;
		S) echo "${load[@]} --clients=1000 --rate=100 --stalled=1" ;;
		A-state) echo "${load[@]} --clients=1000 --rate=100 --channel=bench-state --publish-path=/state/bench-state" ;;
		# 1,000 clients on each replica, the publisher on the first
		A-cluster) echo "${load[@]} --clients=2000 --rate=100" ;;
		B-cluster) echo "${load[@]} --clients=$B_CLIENTS --rate=10" ;;
		*) echo "unknown scenario $1" >&2; exit 2 ;;
	esac
}

# run_one SCENARIO PUBLISHER SERVER: the files of a run are named SCENARIO-PUBLISHER-SERVER
# (SCENARIO-SERVER for C, which publishes nothing measured)
run_one() {
	local scenario=$1 publisher=$2 server=$3 name
	if [ "$scenario" = C ]; then
		name="$scenario-$server"
		echo "== $scenario on $server"
	else
		name="$scenario-$publisher-$server"
		echo "== $scenario, $publisher publisher, on $server"
	fi
	start_server "$server" "$OUT/$name.server.log"
	# shellcheck disable=SC2046
	"${LOADGEN_PIN[@]}" java "${LOADGEN_JVM[@]}" -jar target/evstream-bench-loadgen.jar \
		--port="$PORT" --sources=8 --server-pid="$SERVER_PID" --clk-tck="$CLK_TCK" \
		--scenario="$scenario" --server="$server" --publisher="$publisher" --out="$OUT/$name.properties" \
		$(scenario_args "$scenario") >"$OUT/$name.loadgen.log" 2>&1 \
		|| echo "load generator failed for $scenario on $server, see $OUT/$name.loadgen.log" >&2
	grep -E '^(deliveriesPerSecond|ratio|p99Ms|publishMaxLagMs|serverCpuMicrosPerDelivery|serverCores|loadgenCores|rssBytesPerConnection|stalledClosed)=' \
		"$OUT/$name.loadgen.log" | tr '\n' ' ' || true
	echo
	stop_server
}

# run_cluster SCENARIO PUBLISHER: both replicas get the clients round robin, the first the publisher
run_cluster() {
	local scenario=$1 publisher=$2 name="$1-$2-evstream"
	echo "== $scenario, $publisher publisher, on two replicas and Redis"
	start_cluster "$OUT/$name"
	# shellcheck disable=SC2046
	"${LOADGEN_PIN[@]}" java "${LOADGEN_JVM[@]}" -jar target/evstream-bench-loadgen.jar \
		--ports="$(IFS=,; echo "${REPLICA_PORTS[*]}")" --publish-port="${REPLICA_PORTS[0]}" --sources=8 \
		--server-pids="$(IFS=,; echo "${REPLICA_PIDS[*]}")" --redis-pid="$REDIS_PID" --clk-tck="$CLK_TCK" \
		--scenario="$scenario" --server=evstream --publisher="$publisher" --out="$OUT/$name.properties" \
		$(scenario_args "$scenario") >"$OUT/$name.loadgen.log" 2>&1 \
		|| echo "load generator failed for $scenario, see $OUT/$name.loadgen.log" >&2
	grep -E '^(deliveriesPerSecond|ratio|p50Ms|p99Ms)\.|^(publishMaxLagMs|serverCores|redisCores)=' \
		"$OUT/$name.loadgen.log" | tr '\n' ' ' || true
	echo
	stop_cluster
}

# R-max: the highest rate one channel sustains through Redis: 100 clients on the second
# replica, the timer of the first publishing, rate steps until one is not sustained
R_STEPS="1000 2000 5000 10000 20000 40000"
run_rmax() {
	local log="$OUT/R-max-timer-evstream" rate sustained=0
	echo "== R-max, timer publisher, on two replicas and Redis"
	start_cluster "$log"
	for rate in $R_STEPS; do
		local name="R-max-timer-evstream-$rate"
		"${LOADGEN_PIN[@]}" java "${LOADGEN_JVM[@]}" -jar target/evstream-bench-loadgen.jar \
			--ports="${REPLICA_PORTS[1]}" --publish-port="${REPLICA_PORTS[0]}" --sources=8 \
			--server-pids="$(IFS=,; echo "${REPLICA_PIDS[*]}")" --redis-pid="$REDIS_PID" --clk-tck="$CLK_TCK" \
			--scenario=R-max --server=evstream --publisher=timer --out="$OUT/$name.properties" \
			--duration="$R_DURATION" --warmup="$R_WARMUP" --payload=256 --clients=100 --rate="$rate" \
			--drain-timeout=10 >"$OUT/$name.loadgen.log" 2>&1 \
			|| { echo "load generator failed at $rate msg/s, see $OUT/$name.loadgen.log" >&2; break; }
		local ratio p99 lag
		ratio=$(sed -n 's/^ratio=//p' "$OUT/$name.properties")
		p99=$(sed -n 's/^p99Ms=//p' "$OUT/$name.properties")
		lag=$(sed -n 's/^publishMaxLagMs=//p' "$OUT/$name.properties")
		echo "$rate msg/s: ratio=$ratio p99Ms=$p99 timerLagMs=$lag"
		# sustained: every message delivered, p99 within 1 s, the timer at most 100 ms late
		if ! awk -v r="$ratio" -v p="$p99" -v l="$lag" 'BEGIN { exit !(r >= 1.0 && p <= 1000 && l <= 100) }'; then
			break
		fi
		sustained=$rate
	done
	if [ "$sustained" = 0 ]; then
		echo "R-max: no step sustained"
	else
		echo "R-max: $sustained msg/s sustained"
	fi
	stop_cluster
}

START=$(date +%s)
for scenario in $SCENARIOS; do
	# the cluster scenarios are the starter-based server's
	if [[ "$scenario" == *-cluster || "$scenario" == R-max ]] && [[ " $SERVERS " != *" evstream "* ]]; then
		continue
	fi
	case "$scenario" in
		A-cluster|B-cluster)
			for publisher in $PUBLISHERS; do
				run_cluster "$scenario" "$publisher"
			done
			continue ;;
		R-max)
			run_rmax
			continue ;;
	esac
	# C publishes nothing measured: once, whatever the publishers
	publishers=$PUBLISHERS
	if [ "$scenario" = C ]; then
		publishers=burst
	fi
	for publisher in $publishers; do
		for server in $SERVERS; do
			# the state path exists on the starter-based servers only
			if [ "$scenario" = A-state ] && [[ "$server" != evstream* ]]; then
				continue
			fi
			run_one "$scenario" "$publisher" "$server"
		done
	done
done

if [ "$JMH" = 1 ]; then
	echo "== JMH"
	"${SERVER_PIN[@]}" java -cp "$CLASSPATH_TOOLS" org.openjdk.jmh.Main -rf text -rff "$OUT/jmh.txt" \
		'dev.evstream.bench.jmh.*' | tail -20
fi

MODE=$([ "$QUICK" = 1 ] && echo quick || echo full)
HEADER="Run of $(date -u +%Y-%m-%d) ($MODE, $(($(date +%s) - START)) s): $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), Linux $(uname -r), $(java -version 2>&1 | head -1)."
if [ -n "$OLD_ENGINE" ]; then
	HEADER="$HEADER Old engine: $(cat target/evstream-bench-server-old.rev)."
fi
if [ -n "$IO_WORKERS" ]; then
	HEADER="$HEADER Reactor Netty event loops: $IO_WORKERS."
fi
java -cp "$CLASSPATH_TOOLS" dev.evstream.bench.loadgen.ResultsTable --dir="$OUT" --header="$HEADER" >"$OUT/table.md"
# only a full run of the default set (an old engine beside it or not) is the table of RESULTS.md
if [ "$QUICK" = 0 ] && [ "$SCENARIOS" = "$DEFAULT_SCENARIOS" ] && [ "$PUBLISHERS" = "$DEFAULT_PUBLISHERS" ] \
	&& [ "${SERVERS% evstream-old}" = "$DEFAULT_SERVERS" ] && [ "$IO_WORKERS" = "$DEFAULT_IO_WORKERS" ]; then
	java -cp "$CLASSPATH_TOOLS" dev.evstream.bench.loadgen.ResultsTable --dir="$OUT" --header="$HEADER" --doc="$BENCH_DIR/RESULTS.md"
	echo "RESULTS.md updated"
fi
cat "$OUT/table.md"
echo "done in $(($(date +%s) - START)) s"
