#!/usr/bin/env bash
# The Socket.IO benchmark of DESIGN §6: `jsonws serve` answering `sum` over Socket.IO, against the
# Node socket.io server (benches/node-socketio, socket.io pinned in its lock file) answering the
# same `sum` in the same `message` events, and against jsonws's own plain WebSocket — one run,
# the server pinned to core 0 and the load generator (benches' `loadgen socketio` / `loadgen ws`,
# one thread) to core 1, a fresh server for every run.
#
#   scripts/bench-socketio.sh      # about 1 min after the build
#
# Environment: BENCH_ROUNDS (default 3), BENCH_SECS (default 2), BENCH_WARMUP (default 1). The
# markdown table goes to stdout (the median run of each), progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS:-2}
WARMUP=${BENCH_WARMUP:-1}
OUT=target/bench-socketio
say() { echo "bench-socketio: $*" >&2; }

command -v node >/dev/null || { say "node is required"; exit 1; }
cargo build --release -p jsonws-bench -p jsonws-cli >&2
if [ ! -f benches/node-socketio/node_modules/socket.io/package.json ]; then
    (cd benches/node-socketio && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
rm -rf "$OUT"
mkdir -p "$OUT"
SERVER_CPU=(taskset -c 0)
LOAD_CPU=(taskset -c 1)
[ "$(nproc)" -ge 2 ] || { say "only one core: numbers are not comparable"; SERVER_CPU=(); LOAD_CPU=(); }

PID=
stop() {
    [ -n "$PID" ] || return 0
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
}
trap stop EXIT

# start SERVER: sets PID and PORT.
start() {
    local out="$OUT/$1.out"
    case $1 in
        node) "${SERVER_CPU[@]}" node benches/node-socketio/server.mjs >"$out" 2>&1 & ;;
        *) "${SERVER_CPU[@]}" target/release/jsonws serve --addr 127.0.0.1:0 >"$out" 2>&1 & ;;
    esac
    PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p; s|^jsonws: serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out" | head -n 1)
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    say "$1 did not start:"; cat "$out" >&2; exit 1
}

field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }

# run SERVER SHAPE: one fresh server, one load; appends the result line.
run() {
    local server=$1 conns=${2%x*} inflight=${2#*x}
    start "$server"
    local args=(--conns "$conns" --inflight "$inflight" --secs "$SECS" --warmup "$WARMUP" --server-pid "$PID")
    local line
    case $server in
        ws) line=$("${LOAD_CPU[@]}" target/release/loadgen ws --url "ws://127.0.0.1:$PORT/api/demo/1.0.0" "${args[@]}" | tail -n 1) ;;
        *) line=$("${LOAD_CPU[@]}" target/release/loadgen socketio --url "http://127.0.0.1:$PORT" --namespace /demo/1.0.0 "${args[@]}" | tail -n 1) ;;
    esac
    stop
    say "$server $2: $line"
    echo "$line" >>"$OUT/$server.$2"
}

SHAPES=(1x1 32x16)
SERVERS=(jsonws node ws)
for round in $(seq "$ROUNDS"); do
    for shape in "${SHAPES[@]}"; do
        for server in "${SERVERS[@]}"; do run "$server" "$shape"; done
    done
done

median() { # FILE FIELD
    local n
    n=$(wc -l <"$1")
    while read -r line; do echo "$(field "$line" "$2") $line"; done <"$1" | sort -n | sed -n "$(((n + 1) / 2))p" | cut -d' ' -f2-
}
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
us() { awk -v v="${1:-0}" 'BEGIN { if (v >= 1000) printf "%.1f ms", v / 1000; else printf "%d µs", v }'; }

echo "| shape | jsonws Socket.IO calls/s | p99 | Node socket.io calls/s | p99 | jsonws ÷ Node | jsonws WebSocket calls/s | Socket.IO ÷ WebSocket | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
for shape in "${SHAPES[@]}"; do
    j=$(median "$OUT/jsonws.$shape" calls_per_sec)
    n=$(median "$OUT/node.$shape" calls_per_sec)
    w=$(median "$OUT/ws.$shape" calls_per_sec)
    errors=$(cat "$OUT"/*."$shape" | while read -r line; do field "$line" errors; done | awk '{ s += $1 } END { print s + 0 }')
    echo "| ${shape/x/ × } | $(field "$j" calls_per_sec | cut -d. -f1) | $(us "$(field "$j" p99_us)") | $(field "$n" calls_per_sec | cut -d. -f1) | $(us "$(field "$n" p99_us)") | $(ratio "$(field "$j" calls_per_sec)" "$(field "$n" calls_per_sec)") | $(field "$w" calls_per_sec | cut -d. -f1) | $(ratio "$(field "$j" calls_per_sec)" "$(field "$w" calls_per_sec)") | $errors |"
done
