#!/usr/bin/env bash
# The event fan-out benchmark (BENCHMARKS.md): one emit to 10,000 subscribed WebSocket
# connections, the time until the last has it, and the server's memory. Server pinned to core
# 0, subscribers to core 1. Loopback only; stops by itself.
#
# Usage: scripts/bench-events.sh [CONNS] [EMITS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
conns=${1:-10000}
emits=${2:-20}
ulimit -n "$((conns * 2 + 1024))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -q -p jsonws-bench --bin fanout
work=$(mktemp -d)
taskset -c 0 target/release/fanout server >"$work/addr" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/addr" ] && break; sleep 0.1; done
addr=$(head -1 "$work/addr")
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
result=$(timeout 300 taskset -c 1 target/release/fanout client --url "ws://$addr/api/fan/1" --conns "$conns" --emits "$emits")
rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "$result"
echo "server RSS: ${rss_before} KiB before, ${rss_after} KiB with $conns subscribers (peak ${hwm} KiB); $(( (rss_after - rss_before) / conns * 1024 )) bytes per subscribed connection"
