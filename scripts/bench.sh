#!/usr/bin/env bash
# The load benchmark of DESIGN §6: jsonws against jsonrpsee 0.26 in the same run, serving the
# same `sum`, on loopback. The server runs pinned to core 0 and the load generator to core 1,
# and the server is restarted for every run, so its peak RSS (VmHWM) is that run's.
#
#   scripts/bench.sh            # about 2 min 40 s after the build
#
# Every load scenario runs BENCH_ROUNDS times per server, alternating which server goes first
# (this machine's run-to-run spread is ±10-15%); the table shows the median run by calls/s, its
# p50 and p99, and the largest peak RSS. The idle-memory scenario runs once per server.
#
# Environment: BENCH_ROUNDS (default 5), BENCH_SECS (measured seconds per run, default 2),
# BENCH_WARMUP (seconds of load before measuring, default 1), BENCH_IDLE_CONNS (default 1000),
# BENCH_OUT (where raw results go, default target/bench). The markdown table goes to stdout,
# progress to stderr, every run's JSON line to $BENCH_OUT/results.jsonl.
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECS:-2}
WARMUP=${BENCH_WARMUP:-1}
IDLE_CONNS=${BENCH_IDLE_CONNS:-1000}
OUT=${BENCH_OUT:-target/bench}
BIN=target/release
# What is compared: jsonws's typed path (a #[jsonws::service] in a Registry) against jsonrpsee
# by default; BENCH_THEIRS=jsonws-raw compares it with jsonws's untyped `Methods` path instead.
MINE=${BENCH_MINE:-jsonws}
THEIRS=${BENCH_THEIRS:-jsonrpsee}
IMPLS=("$MINE" "$THEIRS")

say() { echo "bench: $*" >&2; }

cargo build --release -p jsonws-bench >&2
rm -rf "$OUT/runs"
mkdir -p "$OUT/runs"
: >"$OUT/results.jsonl"

# The idle scenario holds over a thousand sockets on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE_CONNS + 256)) ]; then
    say "open-file limit $(ulimit -n) is too low for $IDLE_CONNS idle connections"
    exit 1
fi

if [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU=(taskset -c 0)
    LOAD_CPU=(taskset -c 1)
else
    say "only one core: server and load generator share it (numbers are not comparable)"
    SERVER_CPU=()
    LOAD_CPU=()
fi
# A run is noisy when something besides its server and load generator used noticeable CPU
# during it (another build, say): the machine's busy time, less theirs, over a threshold.
NOISY=0
OTHER_LIMIT=${BENCH_OTHER_LIMIT:-30} # clock ticks (1/100 s) per run
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
process_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

SERVER_PID=
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
trap stop_server EXIT

# start_server IMPL: starts it pinned; sets SERVER_PID and BASE (host:port).
start_server() {
    local addr_file="$OUT/$1.addr"
    : >"$addr_file"
    "${SERVER_CPU[@]}" "$BIN/bench-server" "$1" --addr 127.0.0.1:0 >"$addr_file" 2>"$OUT/$1.log" &
    SERVER_PID=$!
    for _ in $(seq 100); do
        BASE=$(head -n 1 "$addr_file")
        [ -n "$BASE" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    say "$1 did not start:"
    cat "$OUT/$1.log" >&2
    exit 1
}

# The path each server answers on (see bench-server): jsonrpsee answers at /.
path_of() {
    case "$1" in
    jsonws) echo /rpc/bench/1.0.0 ;;
    jsonws-raw) echo /rpc ;;
    *) echo / ;;
    esac
}

field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
vm_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
slug() { tr -c 'a-zA-Z0-9\n' _ <<<"$1"; }

# run SCENARIO IMPL KIND LOADGEN-ARGS...: one fresh server, one load; appends the load's JSON
# line with the server's peak RSS to $OUT/runs/SLUG.IMPL.
run() {
    local scenario=$1 impl=$2 kind=$3
    shift 3
    local before
    before=$(machine_ticks)
    start_server "$impl"
    local scheme=ws
    [ "$kind" = http ] && scheme=http
    if [ "$kind" = idle ]; then
        set -- "$@" --pid "$SERVER_PID"
    else
        set -- "$@" --server-pid "$SERVER_PID"
    fi
    local url
    url="$scheme://$BASE$(path_of "$impl")"
    say "$scenario, $impl: loadgen $kind --url $url $*"
    local line
    line=$(timeout 120 "${LOAD_CPU[@]}" "$BIN/loadgen" "$kind" --url "$url" "$@" | tail -n 1) ||
        { say "loadgen failed"; line='{"errors":1}'; }
    local hwm server_ticks load_ticks other
    hwm=$(vm_kb "$SERVER_PID" VmHWM)
    server_ticks=$(process_ticks "$SERVER_PID")
    load_ticks=$(field "$line" cpu_ticks)
    other=$(($(machine_ticks) - before - ${server_ticks:-0} - ${load_ticks:-0}))
    stop_server
    if [ "$kind" != idle ] && [ "$other" -gt "$OTHER_LIMIT" ]; then
        say "  noisy: $other ticks of CPU went to other processes during this run"
        NOISY=$((NOISY + 1))
    fi
    line="${line%\}},\"peak_rss_kb\":${hwm:-0},\"other_cpu_ticks\":$other}"
    echo "$line" >>"$OUT/runs/$(slug "$scenario").$impl"
    echo "{\"scenario\":\"$scenario\",\"server\":\"$impl\",\"result\":$line}" >>"$OUT/results.jsonl"
}

SCENARIOS=("WS 1×1" "WS 32×1" "WS 32×16" "HTTP 1" "HTTP 32")
load_args() {
    local timing=(--secs "$SECS" --warmup "$WARMUP")
    case $1 in
        "WS 1×1") echo ws --conns 1 --inflight 1 "${timing[@]}" ;;
        "WS 32×1") echo ws --conns 32 --inflight 1 "${timing[@]}" ;;
        "WS 32×16") echo ws --conns 32 --inflight 16 "${timing[@]}" ;;
        "HTTP 1") echo http --conns 1 "${timing[@]}" ;;
        "HTTP 32") echo http --conns 32 "${timing[@]}" ;;
        idle) echo idle --conns "$IDLE_CONNS" ;;
    esac
}

for round in $(seq "$ROUNDS"); do
    order=("${IMPLS[@]}")
    [ $((round % 2)) -eq 0 ] && order=("$THEIRS" "$MINE")
    for scenario in "${SCENARIOS[@]}"; do
        for impl in "${order[@]}"; do
            # shellcheck disable=SC2046 # the arguments are separate words on purpose
            run "$scenario" "$impl" $(load_args "$scenario")
        done
    done
done
for impl in "${IMPLS[@]}"; do
    # shellcheck disable=SC2046 # the arguments are separate words on purpose
    run idle "$impl" $(load_args idle)
done

# median SCENARIO IMPL FIELD: the run with the median FIELD (lower middle for even counts).
median() {
    local file
    file="$OUT/runs/$(slug "$1").$2"
    local n
    n=$(wc -l <"$file")
    while read -r line; do
        echo "$(field "$line" "$3") $line"
    done <"$file" | sort -n | sed -n "$(((n + 1) / 2))p" | cut -d' ' -f2-
}
max_of() {
    local file
    file="$OUT/runs/$(slug "$1").$2"
    while read -r line; do field "$line" "$3"; done <"$file" | sort -n | tail -n 1
}
sum_of() {
    local file
    file="$OUT/runs/$(slug "$1").$2"
    while read -r line; do field "$line" "$3"; done <"$file" | awk '{ s += $1 } END { print s + 0 }'
}
all_of() {
    local file
    file="$OUT/runs/$(slug "$1").$2"
    while read -r line; do field "$line" "$3"; done <"$file" | paste -sd/ -
}

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
us() { awk -v v="${1:-0}" 'BEGIN { if (v >= 1000) printf "%.1f ms", v / 1000; else printf "%d µs", v }'; }
mib() { awk -v v="${1:-0}" 'BEGIN { printf "%.1f MiB", v / 1024 }'; }
kib() { awk -v v="${1:-0}" 'BEGIN { printf "%.1f KiB", v / 1024 }'; }
target_of() {
    case $1 in
        "WS 1×1") echo 1.3 ;;
        "WS 32×1") echo 1.2 ;;
        "WS 32×16") echo 3 ;;
        "HTTP 32") echo 1.1 ;;
        *) echo 1 ;;
    esac
}

echo
echo "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
    "server on core 0, load generator on core 1; median of $ROUNDS runs of" \
    "${WARMUP} s warm-up + ${SECS} s measured."
[ "$NOISY" -gt 0 ] &&
    echo "**Noisy: in $NOISY runs other processes used the CPU (see other_cpu_ticks in results.jsonl).**"
echo
echo "| scenario | $MINE calls/s | $THEIRS calls/s | $MINE / $THEIRS (DESIGN target) | $MINE p50 / p99 | $THEIRS p50 / p99 | $MINE peak RSS | $THEIRS peak RSS | cores busy, server / generator: $MINE; $THEIRS | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in "${SCENARIOS[@]}"; do
    mine=$(median "$s" "$MINE" calls_per_sec)
    theirs=$(median "$s" "$THEIRS" calls_per_sec)
    a=$(field "$mine" calls_per_sec)
    b=$(field "$theirs" calls_per_sec)
    t=$(target_of "$s")
    verdict=$(awk -v a="${a:-0}" -v b="${b:-0}" -v t="$t" \
        'BEGIN { print (b > 0 && a >= t * b) ? "met" : (b > 0 && a > b ? "ahead, target missed" : "behind") }')
    echo "| $s | ${a:-?} | ${b:-?} | $(ratio "$a" "$b") (≥ ${t}×: $verdict) |" \
        "$(us "$(field "$mine" p50_us)") / $(us "$(field "$mine" p99_us)") |" \
        "$(us "$(field "$theirs" p50_us)") / $(us "$(field "$theirs" p99_us)") |" \
        "$(mib "$(max_of "$s" "$MINE" peak_rss_kb)") | $(mib "$(max_of "$s" "$THEIRS" peak_rss_kb)") |" \
        "$(field "$mine" server_busy) / $(field "$mine" generator_busy);" \
        "$(field "$theirs" server_busy) / $(field "$theirs" generator_busy) |" \
        "$(sum_of "$s" "$MINE" errors) / $(sum_of "$s" "$THEIRS" errors) |"
done
echo
echo "Every run's calls/s ($MINE; $THEIRS):"
echo
for s in "${SCENARIOS[@]}"; do
    echo "- $s: $(all_of "$s" "$MINE" calls_per_sec); $(all_of "$s" "$THEIRS" calls_per_sec)"
done
echo
mine=$(median idle "$MINE" bytes_per_conn)
theirs=$(median idle "$THEIRS" bytes_per_conn)
a=$(field "$mine" bytes_per_conn)
b=$(field "$theirs" bytes_per_conn)
echo "| $IDLE_CONNS idle WebSocket connections | $MINE | $THEIRS | $MINE / $THEIRS (lower is better) |"
echo "|---|---:|---:|---:|"
echo "| memory per connection (VmRSS growth / connections) | $(kib "$a") | $(kib "$b") | $(ratio "$a" "$b") |"
ha=$(max_of idle "$MINE" peak_rss_kb)
hb=$(max_of idle "$THEIRS" peak_rss_kb)
echo "| server peak RSS | $(mib "$ha") | $(mib "$hb") | $(ratio "$ha" "$hb") |"
echo "| connections refused or failed | $(sum_of idle "$MINE" failed) | $(sum_of idle "$THEIRS" failed) | |"
echo
say "raw results: $OUT/results.jsonl"
