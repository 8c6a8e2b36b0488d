#!/usr/bin/env bash
# The backplane benchmark (BENCHMARKS.md): 2 instances × CONNS subscribers sharing a Redis,
# against 1 instance without Redis with CONNS and with 2 × CONNS subscribers (the same
# delivery work), in the same run. Beats fired one at a
# time give the latency emit → delivery; one burst gives events/s. Redis (persistence off)
# and the servers on core 0, the subscribers on core 1. Loopback only; stops by itself.
#
# Usage: scripts/bench-backplane.sh [CONNS] [EMITS] [BURST]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
conns=${1:-1000}
emits=${2:-50}
burst=${3:-200}
command -v redis-server >/dev/null 2>&1 || { echo "bench-backplane.sh: redis-server is required (apt-get install -y redis-server)" >&2; exit 1; }
ulimit -n "$((conns * 6 + 1024))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -q -p jsonws-bench --bin backplane
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -qs "Ready to accept" "$work/redis.log" && break; sleep 0.1; done
grep -qs "Ready to accept" "$work/redis.log" || { cat "$work/redis.log"; exit 1; }

start() { # NAME [--redis URL]: a server in the background, its address in $work/NAME
  local name=$1; shift
  taskset -c 0 target/release/backplane server "$@" >"$work/$name" 2>"$work/$name.err" &
  pids+=($!)
}
address() {
  for _ in $(seq 1 100); do [ -s "$work/$1" ] && break; sleep 0.1; done
  [ -s "$work/$1" ] || { echo "bench-backplane.sh: server $1 printed no address:" >&2; cat "$work/$1.err" >&2; exit 1; }
  head -1 "$work/$1"
}
start a --redis "redis://127.0.0.1:$port"
start b --redis "redis://127.0.0.1:$port"
start local
a=$(address a)
b=$(address b)
local_only=$(address local)
run() { # CONNS URL...
  local n=$1; shift
  local urls=()
  for u in "$@"; do urls+=(--url "ws://$u/api/fan/1"); done
  timeout 300 taskset -c 1 target/release/backplane client "${urls[@]}" --conns "$n" --emits "$emits" --burst "$burst"
}
echo "1 instance x $conns, no Redis: $(run "$conns" "$local_only")"
echo "1 instance x $((conns * 2)), no Redis: $(run "$((conns * 2))" "$local_only")"
echo "2 instances x $conns, through Redis: $(run "$conns" "$a" "$b")"
