#!/usr/bin/env bash
#
# Measures how many requests fail when one worker of a two-worker cluster is stopped with
# SIGTERM while wrk keeps the cluster busy. The master restarts the stopped worker on its own.
#
# Usage: bench/drain.sh [keep-alive|close] [runs]
#   keep-alive  wrk reuses its 64 connections (the default)
#   close       every request on a new connection ("Connection: close")
#
# Environment:
#   TCP_MIGRATE_REQ  0 or 1: set net.ipv4.tcp_migrate_req for the runs (needs root), restored after
#   JAR              the application (default: sample-app/target/sample-app.jar, build it first)
#   DURATION         wrk's duration (default 20s)
#   STOP_AFTER       seconds of load before the SIGTERM (default 5)
#   PATH_UNDER_TEST  the request path (default /)
#   APP_ARGS         more arguments for the application, e.g. "--server.tomcat.max-keep-alive-requests=-1"
#
# Prints, per run, wrk's error lines (connect/read/write/timeout, non-2xx) and requests/s, and a
# summary line "run N: errors=E non2xx=X rps=R". Every process it starts is killed on exit.

set -euo pipefail

MODE="${1:-keep-alive}"
RUNS="${2:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${JAR:-$ROOT/sample-app/target/sample-app.jar}"
DURATION="${DURATION:-20s}"
STOP_AFTER="${STOP_AFTER:-5}"
PATH_UNDER_TEST="${PATH_UNDER_TEST:-/}"
read -r -a APP_ARGS <<<"${APP_ARGS:-}"

case "$MODE" in
	keep-alive) WRK_HEADER=() ;;
	close) WRK_HEADER=(-H "Connection: close") ;;
	*) echo "Unknown mode '$MODE': use keep-alive or close" >&2; exit 2 ;;
esac

if ! command -v wrk >/dev/null; then
	apt-get install -y wrk >/dev/null
fi
if [[ ! -f "$JAR" ]]; then
	echo "No $JAR: build it with ./mvnw -q -B -DskipTests package" >&2
	exit 2
fi

WORK_DIR="$(mktemp -d)"
MASTER_PID=""
WRK_PID=""
PREVIOUS_MIGRATE_REQ="$(sysctl -n net.ipv4.tcp_migrate_req)"

stop_cluster() {
	if [[ -n "$WRK_PID" ]]; then
		kill "$WRK_PID" 2>/dev/null || true
		wait "$WRK_PID" 2>/dev/null || true
		WRK_PID=""
	fi
	if [[ -n "$MASTER_PID" ]]; then
		local workers
		workers="$(pgrep -P "$MASTER_PID" || true)"
		kill "$MASTER_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$MASTER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$MASTER_PID" $workers 2>/dev/null || true
		wait "$MASTER_PID" 2>/dev/null || true
		MASTER_PID=""
	fi
}

cleanup() {
	stop_cluster
	if [[ -n "${TCP_MIGRATE_REQ:-}" ]]; then
		sysctl -qw net.ipv4.tcp_migrate_req="$PREVIOUS_MIGRATE_REQ" || true
	fi
	rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${TCP_MIGRATE_REQ:-}" ]]; then
	sysctl -qw net.ipv4.tcp_migrate_req="$TCP_MIGRATE_REQ"
fi

free_port() {
	local port
	while true; do
		port=$((20000 + RANDOM % 1000))
		if ! ss -Htan "( sport = :$port or dport = :$port )" | grep -q .; then
			echo "$port"
			return
		fi
	done
}

# Waits until both workers answer on the port.
await_workers() {
	local port="$1" seen=""
	for _ in $(seq 1 600); do
		seen="$(for _ in $(seq 1 20); do
			curl -s -m 1 -H 'Connection: close' "http://127.0.0.1:$port/" || true
			echo
		done | { grep -o '"worker":[0-9]*' || true; } | sort -u | wc -l)"
		if [[ "$seen" -ge 2 ]]; then
			return 0
		fi
		kill -0 "$MASTER_PID" 2>/dev/null || { echo "The cluster died:" >&2; tail -50 "$WORK_DIR/app.log" >&2; return 1; }
		sleep 0.2
	done
	echo "The workers did not come up:" >&2
	tail -50 "$WORK_DIR/app.log" >&2
	return 1
}

echo "mode=$MODE tcp_migrate_req=$(sysctl -n net.ipv4.tcp_migrate_req) runs=$RUNS duration=$DURATION stop-after=${STOP_AFTER}s"
for run in $(seq 1 "$RUNS"); do
	PORT="$(free_port)"
	java -jar "$JAR" --cluster.workers=2 --server.port="$PORT" "${APP_ARGS[@]}" >"$WORK_DIR/app.log" 2>&1 &
	MASTER_PID=$!
	await_workers "$PORT"
	# Warm up the JIT so that the stop, not the first seconds of compilation, is measured
	wrk -c64 -t2 -d5s "${WRK_HEADER[@]}" "http://127.0.0.1:$PORT$PATH_UNDER_TEST" >/dev/null

	wrk -c64 -t2 -d"$DURATION" "${WRK_HEADER[@]}" "http://127.0.0.1:$PORT$PATH_UNDER_TEST" >"$WORK_DIR/wrk.out" 2>&1 &
	WRK_PID=$!
	sleep "$STOP_AFTER"
	VICTIM="$(pgrep -P "$MASTER_PID" | head -1)"
	kill -TERM "$VICTIM"
	wait "$WRK_PID" || true
	WRK_PID=""

	echo "--- run $run (port $PORT, stopped worker pid $VICTIM, workers now: $(pgrep -P "$MASTER_PID" | tr '\n' ' '))"
	grep -E 'Socket errors|Non-2xx|Requests/sec' "$WORK_DIR/wrk.out" || true
	errors="$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$WORK_DIR/wrk.out" |
		awk '{ print $1 + $2 + $3 + $4 }')"
	non2xx="$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' "$WORK_DIR/wrk.out")"
	rps="$(sed -n 's/Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK_DIR/wrk.out")"
	echo "run $run: errors=${errors:-0} non2xx=${non2xx:-0} rps=${rps:-?}"
	if [[ -n "${SHOW_LOG:-}" ]]; then
		grep -E "$VICTIM|WARN|ERROR" "$WORK_DIR/app.log" | tail -40 || true
	fi
	stop_cluster
done
