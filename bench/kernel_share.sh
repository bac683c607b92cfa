#!/usr/bin/env bash
# Where the time goes that callgrind does not count: the kernel's. Starts a target pinned to core 1
# (as bench/run.py's pinned set-up), loads it with wrk from core 0 (success bodies, 64
# connections), and prints
#   - req/s, and the server's user and system CPU time per request (from /proc/PID/stat);
#   - with --syscalls, system calls per request (strace -c over a second, shorter load: strace
#     slows the server, so its run is separate and only its counts are used).
#
#   bench/kernel_share.sh [mock|ceiling] [seconds] [--syscalls]     (defaults: mock 5)
#
# Needs wrk (and strace for --syscalls); uses the release binaries in ${CARGO_TARGET_DIR:-target}.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-mock}
seconds=${2:-5}
syscalls=${3:-}
source bench/target.sh
target_command "$target" || { echo "usage: $0 [mock|ceiling] [seconds] [--syscalls]" >&2; exit 2; }
url="http://127.0.0.1:$port/graphql"
load() { BENCH_MODE=success taskset -c 0 wrk -t1 -c64 -d"$1"s -s bench/lua/graphql.lua "$url"; }

taskset -c 1 "${cmd[@]}" >/dev/null 2>/tmp/kernel-share-$target.log &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
wait_ready 100 || { echo "$target did not become ready" >&2; exit 1; }
load 2 >/dev/null # warm-up
ticks() { awk '{ print $14, $15 }' "/proc/$pid/stat"; }
before=$(ticks)
out=$(load "$seconds")
after=$(ticks)
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
hz=$(getconf CLK_TCK)
python3 - "$target" "$rps" "$requests" "$hz" $before $after <<'EOF'
import sys
target, rps, requests, hz = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
user0, sys0, user1, sys1 = map(int, sys.argv[5:9])
per = lambda ticks: ticks / hz / requests * 1e6
print(f"{target}: {rps:,.0f} req/s; per request: user {per(user1 - user0):.2f} us, system {per(sys1 - sys0):.2f} us")
EOF
if [[ "$syscalls" == "--syscalls" ]]; then
  strace -qq -c -f -p "$pid" -o /tmp/kernel-share-strace.txt &
  tracer=$!
  sleep 0.5
  traced=$(load 2 | awk '/requests in/ { print $1 }')
  kill -INT "$tracer"
  wait "$tracer" || true
  echo "system calls per request ($traced requests under strace):"
  # strace -c's table: % time, seconds, usecs/call, calls, [errors,] syscall.
  awk -v n="$traced" '$1 ~ /^[0-9]+\.[0-9]+$/ && NF >= 5 && $NF != "total" && $4 / n >= 0.001 {
      printf "  %-16s %.3f\n", $NF, $4 / n
    }' /tmp/kernel-share-strace.txt
fi
