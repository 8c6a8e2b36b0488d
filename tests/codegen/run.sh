#!/usr/bin/env bash
# Generated-client tests: starts `jsonws serve` on a free port and, for each language the
# generator writes (JavaScript, TypeScript, Python, Rust, Go, Java, PHP, C#), generates the demo client twice —
# from the live server's `?proxy=` and with `jsonws gen --url` — checks both are identical,
# compiles it with the real toolchain (node, `tsc --strict`, `python3 -W error`, cargo, go vet +
# go build, javac -Xlint:all -Werror, php -l, mcs -warnaserror) and runs
# a program that drives every part of the demo through it.
#
# Also checks that runtime/client.js is still tsc's output for runtime/client.ts, and that the
# committed Rust client (rust/src/demo_client.rs) is what the server generates now.
#
# The npm packages (typescript, ws) and the Python one (websockets) are locked in node/ and
# python/ and installed here on first use only; go, a JDK (17+), php-cli and mono are installed
# with apt-get when missing. Go, Java and C# each compile every client and program in one pass.
#
# The same is done for the `edge` service of edge.json (reserved words as params, fields and enum
# members; descriptions that try to break out of comments and strings; non-ASCII text), served
# by tests/codegen/rust's edge-server. Then each client of JavaScript, Python, Rust, Go, Java, PHP
# and C# must renew its subscription by itself when the server is restarted under it. Clients of json-ws's calc metadata and of the inventory
# description file are generated with `jsonws gen --schema` and compiled in every language.
#
# Usage: tests/codegen/run.sh [path/to/jsonws]   (default: target/debug/jsonws in the repo root)
# Prints one `codegen <check>: ok|FAILED` line per check and a closing `N passed, M failed`.
set -euo pipefail

die() { echo "codegen: error: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ $# -gt 1 ]]; then die "usage: tests/codegen/run.sh [path/to/jsonws]"; fi
bin="${1:-$root/target/debug/jsonws}"
[[ -x "$bin" ]] || die "no executable jsonws at '$bin'; build it with 'cargo build -p jsonws-cli' or pass its path"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

for tool in node npm python3 cargo cmp; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is not installed or not on PATH; the generated-client tests need node (18+), npm, python3 and cargo"
done

# The toolchains of Go, Java, C# and PHP, installed with apt-get (Debian/Ubuntu) when missing:
# `apt-get update` once, then the packages. Without apt-get, or when it fails, the run stops.
apt_updated=0
apt_install() { # PACKAGE...
  command -v apt-get >/dev/null 2>&1 ||
    die "$* not installed and no apt-get to install them with; install them (the generated-client tests need go 1.19+, javac 17+, mcs + mono, php 8.1+)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "installing $* needs root (or sudo)"
    sudo=(sudo -n)
  fi
  if [[ $apt_updated -eq 0 ]]; then
    echo "codegen: apt-get update"
    "${sudo[@]}" apt-get update -q >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  echo "codegen: installing $* (apt-get)"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >/dev/null ||
    die "apt-get install $* failed"
}
command -v go >/dev/null 2>&1 || apt_install golang-go
command -v javac >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
java_major="$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*$/\1/p')"
[[ -n "$java_major" && "$java_major" -ge 17 ]] || die "javac 17 or newer is needed, this is $(javac -version 2>&1)"
command -v php >/dev/null 2>&1 || apt_install php-cli
php -r 'exit(PHP_VERSION_ID >= 80100 ? 0 : 1);' || die "php 8.1 or newer is needed, this is $(php -r 'echo PHP_VERSION;')"
command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1 ||
  apt_install mono-mcs mono-runtime libmono-system4.0-cil libmono-system-core4.0-cil
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*$/\1/p')"
[[ -n "$go_minor" && "$go_minor" -ge 19 ]] || die "go 1.19 or newer is needed, this is $(go env GOVERSION)"

# Dependencies, installed from the lock files only when missing.
if [[ ! -f "$here/node/node_modules/typescript/package.json" || ! -f "$here/node/node_modules/ws/package.json" ]]; then
  echo "codegen: installing node dependencies (npm ci)"
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $here/node"
fi
tsc="$here/node/node_modules/.bin/tsc"
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "codegen: creating $venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
fi
if ! "$venv/bin/python" -c 'import websockets' >/dev/null 2>&1; then
  echo "codegen: installing python dependencies (pip install --require-hashes)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r "$here/python/requirements.txt" || die "pip install failed for $here/python/requirements.txt"
fi

# The Rust program is built before the server starts (it is the slow part).
echo "codegen: building the Rust client programs and edge-server (cargo build -p jsonws-codegen-rust)"
(cd "$root" && cargo build --quiet -p jsonws-codegen-rust) || die "cargo build -p jsonws-codegen-rust failed"
rust_program="$root/target/debug/jsonws-codegen-rust"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pids=()
# start NAME COMMAND...: starts a server, waits (20 s at most) for the URL on its first line.
start() {
  local name="$1"
  shift
  "$@" >"$work/$name.stdout" 2>"$work/$name.stderr" &
  pids+=($!)
  local first_line=""
  for _ in $(seq 200); do
    if [[ "$(wc -l <"$work/$name.stdout")" -ge 1 ]]; then
      first_line="$(head -n 1 "$work/$name.stdout")"
      break
    fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      cat "$work/$name.stderr" >&2
      die "$name exited before printing its URL"
    fi
    sleep 0.1
  done
  [[ -n "$first_line" ]] || { cat "$work/$name.stderr" >&2; die "$name printed no URL within 20 s"; }
  started_url="$(sed -n 's|^.* at \(https\{0,1\}://[^ ]*\).*$|\1|p' <<<"$first_line")"
  [[ -n "$started_url" ]] || die "cannot find the URL in the first line of $name: $first_line"
}
start "jsonws serve" "$bin" serve --addr 127.0.0.1:0
url="$started_url"
start edge-server "$root/target/debug/edge-server"
edge_url="$started_url"
echo "codegen: jsonws serve at $url, edge-server at $edge_url"

passed=0
failed=0
# check NAME COMMAND...: runs the command (a program: 120 s at most; a function of this
# script bounds its own waits), shows its output indented, and counts it.
check() {
  local name="$1"
  shift
  local rc=0
  if declare -F "$1" >/dev/null; then
    "$@" >"$work/out" 2>&1 || rc=$?
  else
    timeout 120 "$@" >"$work/out" 2>&1 || rc=$?
  fi
  sed 's/^/    /' "$work/out"
  if [[ $rc -eq 0 ]]; then
    echo "codegen $name: ok"
    passed=$((passed + 1))
  else
    echo "codegen $name: FAILED (exit $rc)"
    failed=$((failed + 1))
  fi
}

fetch() { # URL FILE
  "$venv/bin/python" -c 'import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
    open(sys.argv[2], "wb").write(r.read())' "$1" "$2"
}

# generated LANG FILE DIR [URL]: ?proxy=LANG into DIR/served/FILE, `jsonws gen --url` into
# DIR/FILE; both must be equal. URL defaults to the demo's.
generated() {
  local lang="$1" file="$2" dir="$3" from="${4:-$url}"
  mkdir -p "$dir/served" &&
    fetch "$from?proxy=$lang" "$dir/served/$file" &&
    timeout 60 "$bin" gen --lang "$lang" --url "$from" --out "$dir" &&
    cmp "$dir/served/$file" "$dir/$file" &&
    echo "?proxy=$lang and jsonws gen --url wrote the same $file ($(wc -c <"$dir/$file") bytes)"
}

check "runtime: client.js is tsc's output for client.ts" bash -c '
  set -e
  rt="$1/crates/jsonws/src/codegen/runtime"
  "$2" --strict --target es2022 --module es2022 --lib es2022 --removeComments false --outDir "$3/rt" "$rt/client.ts" "$rt/decls.d.ts"
  tail -n +2 "$rt/client.js" | cmp - "$3/rt/client.js"' _ "$root" "$tsc" "$work"

# JavaScript: one ES module, run by node (Node < 22 loads `ws` from node_modules).
js="$work/js"
check "javascript: generate" generated JavaScript DemoClient.js "$js"
cp "$here/node/demo.mjs" "$js/"
echo '{"type":"module"}' >"$js/package.json"
ln -s "$here/node/node_modules" "$js/node_modules"
check "javascript: node --check" node --check "$js/DemoClient.js"
check "javascript: live program" node "$js/demo.mjs" "$url"
# The global WebSocket (browsers, Node >= 22; Node 20 behind a flag) in a directory without
# node_modules, so npm `ws` cannot be what works; and no WebSocket at all: a clear error.
bare="$work/js-bare"
mkdir -p "$bare"
cp "$js/DemoClient.js" "$js/package.json" "$here/node/demo.mjs" "$here/node/no-websocket.mjs" "$bare/"
if node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)'; then
  with_global=() without_global=(--no-experimental-websocket)
else
  with_global=(--experimental-websocket) without_global=()
fi
check "javascript: the global WebSocket, no npm ws (node ${with_global[*]})" \
  node "${with_global[@]}" "$bare/demo.mjs" "$url"
check "javascript: no WebSocket at all: calls over HTTP, a clear error for events (node ${without_global[*]})" \
  node "${without_global[@]}" "$bare/no-websocket.mjs" "$url"

# TypeScript: the client alone under --strict and every stricter check tsc has, with the ES2022
# library only (no DOM, no Node types); then with the program, which node runs.
ts_strictest=(--strict --noEmit --target es2022 --module es2022 --lib es2022 --noUnusedLocals
  --noUnusedParameters --exactOptionalPropertyTypes --noImplicitReturns --noFallthroughCasesInSwitch
  --noUncheckedIndexedAccess --noImplicitOverride --noPropertyAccessFromIndexSignature)
ts="$work/ts"
check "typescript: generate" generated TypeScript DemoClient.ts "$ts"
check "typescript: tsc --strict and every stricter check (client alone, lib es2022)" \
  "$tsc" "${ts_strictest[@]}" "$ts/DemoClient.ts"
cp "$here/node/demo.ts" "$ts/"
check "typescript: tsc --strict (client and program)" \
  "$tsc" --strict --target es2022 --module es2022 --moduleResolution bundler --lib es2022,dom \
  --outDir "$ts/out" "$ts/demo.ts" "$ts/DemoClient.ts"
echo '{"type":"module"}' >"$ts/out/package.json"
ln -s "$here/node/node_modules" "$ts/out/node_modules"
check "typescript: live program" node "$ts/out/demo.js" "$url"

# Python: imported with warnings as errors; the program drives the blocking and the asyncio client.
py="$work/py"
check "python: generate" generated Python DemoClient.py "$py"
check "python: import with -W error (standard library only)" \
  python3 -W error -c 'import sys; sys.path.insert(0, sys.argv[1]); import DemoClient' "$py"
check "python: live program (-W error)" "$venv/bin/python" -W error "$here/python/demo.py" "$py" "$url"

# Rust: the committed client is what the server generates now, and it runs.
rs="$work/rs"
check "rust: generate" generated Rust demo_client.rs "$rs"
check "rust: the committed rust/src/demo_client.rs is the generated client" \
  cmp "$rs/demo_client.rs" "$here/rust/src/demo_client.rs"
check "rust: live program" "$rust_program" "$url"

# Clients of services jsonws does not run: json-ws 3.3.4's calc (its `?json`) and the inventory
# description file, generated with `jsonws gen --schema` and compiled in each language.
fixtures="$root/crates/jsonws/tests/fixtures"
for schema in "$fixtures/codegen/json-ws-metadata-calc.json" "$fixtures/import/inventory.json"; do
  name="$(basename "$schema" .json)"
  name="${name##*-}"
  dir="$work/schema-$name"
  mkdir -p "$dir"
  class="$(tr '[:lower:]' '[:upper:]' <<<"${name:0:1}")${name:1}Client"
  gen_all() {
    for lang in JavaScript TypeScript Python Rust; do
      timeout 60 "$bin" gen --lang "$lang" --schema "$schema" --out "$dir" || return 1
    done
  }
  check "$name: jsonws gen --schema (4 languages)" gen_all
  check "$name: javascript: node --check" node --check "$dir/$class.js"
  check "$name: typescript: tsc --strict and every stricter check" "$tsc" "${ts_strictest[@]}" "$dir/$class.ts"
  check "$name: python: import with -W error" \
    python3 -W error -c 'import sys; sys.path.insert(0, sys.argv[1]); __import__(sys.argv[2])' "$dir" "$class"
  check "$name: rust: the committed rust/src/${name}_client.rs (compiled above) is the generated client" \
    cmp "$dir/${name}_client.rs" "$here/rust/src/${name}_client.rs"
done

# Reserved words and hostile text: the `edge` service of edge.json (params `class`, `from`,
# `base`, `type`, `default`; a method `delete`; descriptions with */ """ ?> </script> and
# non-ASCII), served by edge-server; each client compiled and run against it.
edge="$work/edge"
check "edge: javascript: generate" generated JavaScript EdgeClient.js "$edge/js" "$edge_url"
cp "$here/node/edge.mjs" "$edge/js/"
echo '{"type":"module"}' >"$edge/js/package.json"
ln -s "$here/node/node_modules" "$edge/js/node_modules"
check "edge: javascript: live program" node "$edge/js/edge.mjs" "$edge_url"
check "edge: typescript: generate" generated TypeScript EdgeClient.ts "$edge/ts" "$edge_url"
cp "$here/node/edge.ts" "$edge/ts/"
check "edge: typescript: tsc --strict and every stricter check (client alone, lib es2022)" \
  "$tsc" "${ts_strictest[@]}" "$edge/ts/EdgeClient.ts"
check "edge: typescript: tsc --strict (client and program)" \
  "$tsc" --strict --target es2022 --module es2022 --moduleResolution bundler --lib es2022,dom \
  --outDir "$edge/ts/out" "$edge/ts/edge.ts" "$edge/ts/EdgeClient.ts"
echo '{"type":"module"}' >"$edge/ts/out/package.json"
ln -s "$here/node/node_modules" "$edge/ts/out/node_modules"
check "edge: typescript: live program" node "$edge/ts/out/edge.js" "$edge_url"
check "edge: python: generate" generated Python EdgeClient.py "$edge/py" "$edge_url"
check "edge: python: live program (-W error)" "$venv/bin/python" -W error "$here/python/edge.py" "$edge/py" "$edge_url"
check "edge: rust: generate" generated Rust edge_client.rs "$edge/rs" "$edge_url"
check "edge: rust: the committed rust/src/edge_client.rs is the generated client" \
  cmp "$edge/rs/edge_client.rs" "$here/rust/src/edge_client.rs"
check "edge: rust: live program" "$root/target/debug/edge" "$edge_url"

# Go: the demo, edge, calc and inventory clients as packages of one module (tests/codegen/go),
# vetted and built in one pass with the programs, which then run against the live servers.
gomod="$work/go"
mkdir -p "$gomod"
cp -r "$here/go/go.mod" "$here/go/cmd" "$gomod/"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOWORK=off
check "go: generate" generated Go democlient.go "$work/go-demo"
check "edge: go: generate" generated Go edgeclient.go "$work/go-edge" "$edge_url"
mkdir -p "$gomod/democlient" "$gomod/edgeclient"
cp "$work/go-demo/democlient.go" "$gomod/democlient/" || true
cp "$work/go-edge/edgeclient.go" "$gomod/edgeclient/" || true
go_schemas() {
  timeout 60 "$bin" gen --lang Go --schema "$fixtures/codegen/json-ws-metadata-calc.json" --out "$gomod/calcclient" &&
    timeout 60 "$bin" gen --lang Go --schema "$fixtures/import/inventory.json" --out "$gomod/inventoryclient"
}
check "calc, inventory: go: jsonws gen --schema" go_schemas
check "go: go vet (demo, edge, calc and inventory clients and the programs)" bash -c 'cd "$1" && go vet ./...' _ "$gomod"
# gofmt would also rewrite doc comments (headings, quotes) in some services' descriptions; the
# demo's has none, so its client must be exactly as gofmt writes it.
check "go: the demo client is gofmt-clean" bash -c '[[ -z "$(gofmt -l "$1")" ]]' _ "$gomod/democlient"
check "go: go build" bash -c 'cd "$1" && go build -o bin/ ./... ' _ "$gomod"
check "go: live program" "$gomod/bin/demo" "$url"
check "edge: go: live program" "$gomod/bin/edge" "$edge_url"

# Java: the demo, edge, calc and inventory clients and the programs compiled in one javac pass
# with -Xlint:all -Werror; then the programs run against the live servers.
jv="$work/java"
mkdir -p "$jv/src"
check "java: generate" generated Java DemoClient.java "$work/java-demo"
check "edge: java: generate" generated Java EdgeClient.java "$work/java-edge" "$edge_url"
java_schemas() {
  timeout 60 "$bin" gen --lang Java --schema "$fixtures/codegen/json-ws-metadata-calc.json" --out "$jv/src" &&
    timeout 60 "$bin" gen --lang Java --schema "$fixtures/import/inventory.json" --out "$jv/src"
}
check "calc, inventory: java: jsonws gen --schema" java_schemas
cp "$work/java-demo/DemoClient.java" "$work/java-edge/EdgeClient.java" "$here/java/"*.java "$jv/src/" || true
check "java: javac -Xlint:all -Werror (demo, edge, calc and inventory clients and the programs)" \
  javac -Xlint:all -Werror -d "$jv/classes" "$jv/src/"*.java
check "java: live program" java -cp "$jv/classes" Demo "$url"
check "edge: java: live program" java -cp "$jv/classes" Edge "$edge_url"

# PHP: the demo, edge, calc and inventory clients linted (php -l) and loaded under E_ALL, then
# the programs run against the live servers (any unsilenced notice or warning fails them).
ph="$work/php"
check "php: generate" generated Php DemoClient.php "$ph"
check "edge: php: generate" generated Php EdgeClient.php "$ph" "$edge_url"
php_schemas() {
  timeout 60 "$bin" gen --lang Php --schema "$fixtures/codegen/json-ws-metadata-calc.json" --out "$ph" &&
    timeout 60 "$bin" gen --lang Php --schema "$fixtures/import/inventory.json" --out "$ph"
}
check "calc, inventory: php: jsonws gen --schema" php_schemas
php_lint() {
  local f
  for f in "$ph"/*.php; do php -l "$f" || return 1; done
}
check "php: php -l (demo, edge, calc and inventory clients)" php_lint
check "php: load every client under E_ALL" php "$here/php/load.php" "$ph"/*.php
check "php: live program" php "$here/php/demo.php" "$ph" "$url"
check "edge: php: live program" php "$here/php/edge.php" "$ph" "$edge_url"

# C#: the demo, edge, calc and inventory clients and the programs compiled by mono's mcs in one
# pass (C# 7.2, -warnaserror) into one executable, whose programs run against the live servers.
cs="$work/csharp"
mkdir -p "$cs/src"
check "csharp: generate" generated CSharp DemoClient.cs "$work/cs-demo"
check "edge: csharp: generate" generated CSharp EdgeClient.cs "$work/cs-edge" "$edge_url"
csharp_schemas() {
  timeout 60 "$bin" gen --lang CSharp --schema "$fixtures/codegen/json-ws-metadata-calc.json" --out "$cs/src" &&
    timeout 60 "$bin" gen --lang CSharp --schema "$fixtures/import/inventory.json" --out "$cs/src"
}
check "calc, inventory: csharp: jsonws gen --schema" csharp_schemas
cp "$work/cs-demo/DemoClient.cs" "$work/cs-edge/EdgeClient.cs" "$here/csharp/"*.cs "$cs/src/" || true
check "csharp: mcs -langversion:7.2 -warnaserror (demo, edge, calc and inventory clients and the programs)" \
  mcs -langversion:7.2 -warnaserror -r:System.Core.dll -main:Program -out:"$cs/programs.exe" "$cs/src/"*.cs
check "csharp: live program" mono "$cs/programs.exe" demo "$url"
check "edge: csharp: live program" mono "$cs/programs.exe" edge "$edge_url"

# Reconnects: each client receives a tick, the demo server is stopped and started again on the
# same port, and the client must receive the new server's ticks without subscribing again.
port="$(sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/.*$|\1|p' <<<"$url")"
reconnect() { # NAME COMMAND...: the command prints SUBSCRIBED, then must exit 0 after the restart
  local name="$1"
  shift
  local out="$work/reconnect-$name.out"
  "$@" >"$out" 2>&1 &
  local client=$!
  local ready=0
  for _ in $(seq 200); do
    if grep -q SUBSCRIBED "$out"; then ready=1; break; fi
    kill -0 "$client" 2>/dev/null || break
    sleep 0.1
  done
  if [[ $ready -eq 1 ]]; then
    kill "${pids[0]}" 2>/dev/null || true
    wait "${pids[0]}" 2>/dev/null || true
    start "jsonws serve (again)" "$bin" serve --addr "127.0.0.1:$port"
    pids[0]="${pids[-1]}"
    unset 'pids[-1]'
  fi
  local rc=0
  for _ in $(seq 400); do kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$client" 2>/dev/null; then kill "$client" 2>/dev/null || true; fi
  wait "$client" || rc=$?
  sed 's/^/    /' "$out"
  if [[ $ready -eq 1 && $rc -eq 0 ]]; then
    echo "codegen $name: ok"
    passed=$((passed + 1))
  else
    echo "codegen $name: FAILED (exit $rc)"
    failed=$((failed + 1))
  fi
}
cp "$here/node/reconnect.mjs" "$js/"
reconnect "javascript: re-subscribes after a reconnect" node "$js/reconnect.mjs" "$url"
reconnect "python: re-subscribes after a reconnect" "$venv/bin/python" -W error "$here/python/reconnect.py" "$py" "$url"
reconnect "rust: re-subscribes after a reconnect" "$root/target/debug/reconnect" "$url"
reconnect "go: re-subscribes after a reconnect" "$gomod/bin/reconnect" "$url"
reconnect "java: re-subscribes after a reconnect" java -cp "$jv/classes" Reconnect "$url"
reconnect "php: re-subscribes after a reconnect" php "$here/php/reconnect.php" "$ph" "$url"
reconnect "csharp: re-subscribes after a reconnect" mono "$cs/programs.exe" reconnect "$url"

for pid in "${pids[@]}"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "codegen: a server exited during the run (it must never crash); its output:" >&2
    cat "$work"/*.stderr >&2
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
