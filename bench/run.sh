#!/usr/bin/env bash
# Benchmarks of cluster mode: installs what they need, builds the jars if missing, runs
# every section (or the ones asked for) and prints Markdown tables. See bench/README.md.
#
#   bench/run.sh                       # everything, 2 to 3 hours
#   bench/run.sh --quick               # fewer and shorter runs, about 75 minutes
#   bench/run.sh --section 3,kill      # one or more sections, by number or name
#   bench/run.sh --help
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"

for arg in "$@"; do
	if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
		sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
		echo
		echo "Sections: 1=throughput 2=sizing 3=kill 4=rolling 5=startup 6=actuator 7=messages"
		echo "          8=servers 9=server-rolling 10=proxy"
		echo "Options: --quick, --section LIST, --reps N, --duration SECONDS, --proxy-throughput-only"
		exit 0
	fi
done

if [[ "$(uname -s)" != "Linux" ]]; then
	echo "The benchmarks need Linux (SO_REUSEPORT balancing, /proc, network namespaces)" >&2
	exit 1
fi

# --- Tools ----------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v ip >/dev/null || missing+=(iproute2)
command -v python3 >/dev/null || missing+=(python3)
command -v sysctl >/dev/null || missing+=(procps)
if ((${#missing[@]})); then
	if [[ $EUID -ne 0 ]]; then
		echo "Missing: ${missing[*]}; install them (apt-get install -y ${missing[*]}) or run as root" >&2
		exit 1
	fi
	echo "Installing ${missing[*]}"
	# Keep Debian from starting the nginx service on port 80 as it installs it
	policy_created=""
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy_created=1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	[[ -n "$policy_created" ]] && rm -f /usr/sbin/policy-rc.d
fi
export PATH="$PATH:/usr/sbin:/sbin"
if [[ $EUID -ne 0 ]]; then
	echo "Note: not root; sections 4, 9 and 10 (network namespaces) will fail" >&2
fi

# --- Jars -----------------------------------------------------------------------------
if [[ ! -f "$ROOT/sample-app/target/sample-app.jar" || ! -f "$ROOT/load-harness/target/load-harness.jar" \
	|| ! -f "$BENCH_DIR/bench-app/target/bench-app.jar" || ! -f "$BENCH_DIR/bench-app/target/bench-app-jetty.jar" \
	|| ! -f "$BENCH_DIR/bench-app/target/bench-app-netty.jar" \
	|| ! -f "$BENCH_DIR/bench-app/target/bench-app-tomcat-webflux.jar" ]]; then
	echo "Building the sample app, the load harness and the benchmark app"
	(cd "$ROOT" && ./mvnw -q -B -DskipTests -pl sample-app,load-harness,bench/bench-app -am package)
fi

# --- Run ------------------------------------------------------------------------------
RESULTS_DIR="$BENCH_DIR/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS_DIR"

# A backstop for bench.py's own clean-up: should it be killed, end the process groups it
# registered (only while they still run our jars or nginx) and delete its namespaces.
cleanup() {
	local pgid
	if [[ -f "$RESULTS_DIR/processes" ]]; then
		while read -r pgid; do
			[[ -n "$pgid" ]] || continue
			if ps -o args= -g "$pgid" 2>/dev/null | grep -qE 'sample-app\.jar|bench-app\.jar|load-harness\.jar|nginx'; then
				kill -KILL -- "-$pgid" 2>/dev/null || true
			fi
		done <"$RESULTS_DIR/processes"
	fi
	if [[ -f "$RESULTS_DIR/namespaces" ]]; then
		while read -r ns; do
			[[ -n "$ns" ]] && ip netns del "$ns" 2>/dev/null || true
		done <"$RESULTS_DIR/namespaces"
	fi
	rm -rf "$RESULTS_DIR/work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0
python3 "$BENCH_DIR/bench.py" --results-dir "$RESULTS_DIR" "$@" 2>&1 | tee -i "$RESULTS_DIR/output.txt" || status=$?
echo "Results: $RESULTS_DIR/summary.md"
exit "$status"
