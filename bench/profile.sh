#!/usr/bin/env bash
# Where the time goes, in instructions: runs a target under `valgrind --tool=callgrind`, zeroes the
# counters once it is ready, sends exactly N requests with wrk (bench/lua/graphql.lua, exact mode),
# stops it, and prints instructions per request and the top functions (inclusive and self).
# Callgrind counts instructions, not seconds, so the figures repeat on a busy machine.
#
#   bench/profile.sh [mock|ceiling] [success|mix] [N]        (defaults: mock success 20000)
#
# Needs valgrind and wrk; uses the release binaries in ${CARGO_TARGET_DIR:-target}.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-mock}
mode=${2:-success}
n=${3:-20000}
out=$(mktemp -d /tmp/bench-profile-XXXXXX)
source bench/target.sh
target_command "$target" || { echo "usage: $0 [mock|ceiling] [success|mix] [N]" >&2; exit 2; }

taskset -c 1 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --separate-threads=no \
  "${cmd[@]}" 2>"$out/server.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
wait_ready || true # callgrind is slow to start; wrk below fails loudly if it never was
# Warm up (first-use allocations, lazy statics), then count only the measured requests.
BENCH_MODE=$mode BENCH_EXACT=1 BENCH_BUDGET=200 taskset -c 0 wrk -t1 -c4 -d120s -s bench/lua/graphql.lua \
  "http://127.0.0.1:$port/graphql" >/dev/null
callgrind_control --zero "$pid" >/dev/null 2>&1
BENCH_MODE=$mode BENCH_EXACT=1 BENCH_BUDGET=$n taskset -c 0 wrk -t1 -c4 -d600s -s bench/lua/graphql.lua \
  "http://127.0.0.1:$port/graphql" | grep BENCH_JSON
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT

total=$(callgrind_annotate "$out/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
echo "== $target $mode: $total instructions for $n requests (+ a few /readyz pings): $((total / n)) per request"
echo "== inclusive, top 45"
callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -50
echo "== self, top 30"
callgrind_annotate "$out/callgrind.out" 2>/dev/null | sed -n '/^Ir/,$p' | head -35
echo "(callgrind output: $out/callgrind.out)"
