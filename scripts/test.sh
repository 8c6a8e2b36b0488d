#!/usr/bin/env bash
# Runs every test of jsonws: formatting, lints, docs, unit and integration tests (the Redis
# backplane's against a real redis-server), doctests, the examples, the interop suites that
# drive the server from other languages (Node ws, socket.io-client, Python websockets), the
# generated clients of all eight languages compiled and run against the server, the docs page
# in headless Chromium, and the validation of OpenRPC documents against the official
# meta-schema.
#
# Installs what the tests need when it is missing: npm and pip packages from the lock files in
# tests/interop/, tests/codegen/, tests/browser/ and tests/openrpc/; chromium, redis-server and
# the client toolchains (javac, mcs/mono, php, go) with apt-get. A missing toolchain is an
# error, never a skipped test.
#
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }
die() { echo "test.sh: $*" >&2; exit 1; }

passed=0
failed=0
count_cargo() {
  # Sums cargo's "test result: ok. N passed; M failed" lines of a log.
  local p f
  p=$(grep -Eo '[0-9]+ passed' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p))
  failed=$((failed + f))
}

step "toolchains"
for tool in cargo rustc node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed"
done
# The backplane tests start their own redis-server (persistence off, a free loopback port).
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is missing: installing it (apt-get install -y redis-server)"
  { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; } \
    || die "could not install redis-server; the backplane tests need it (apt-get install -y redis-server)"
fi
command -v redis-server >/dev/null 2>&1 || die "'redis-server' is required but not installed"
cargo --version
redis-server --version
node --version
python3 --version

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

step "cargo test (unit, integration, CLI, doctests)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The benchmark package only has binaries; clippy above checks it.
if ! cargo test --workspace --exclude jsonws-bench 2>&1 | tee "$log"; then
  count_cargo "$log"
  echo "$passed passed, $((failed > 0 ? failed : 1)) failed"
  exit 1
fi
count_cargo "$log"

step "examples (each runs a server and a client and checks its results)"
for example in examples/examples/*.rs; do
  name=$(basename "$example" .rs)
  if timeout 120 cargo run --quiet -p jsonws-examples --example "$name"; then
    echo "example $name: ok"
    passed=$((passed + 1))
  else
    echo "example $name: FAILED"
    failed=$((failed + 1))
  fi
done

step "interop: node (ws), socket.io-client and python (websockets) against jsonws serve"
cargo build --quiet -p jsonws-cli
interop_ok=1
tests/interop/run.sh target/debug/jsonws | tee "$log" || interop_ok=0
before=$failed
count_cargo "$log"
# A suite that died before its summary line still counts as a failure.
if [ "$interop_ok" -eq 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi

step "generated clients of all eight languages, compiled and run against jsonws serve"
codegen_ok=1
tests/codegen/run.sh target/debug/jsonws | tee "$log" || codegen_ok=0
before=$failed
count_cargo "$log"
if [ "$codegen_ok" -eq 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi

step "docs page: headless Chromium against jsonws serve (screenshots in target/docs-screenshots/)"
cargo build --quiet -p jsonws-cli -p jsonws-docs-fixtures
browser_ok=1
tests/browser/run.sh target/debug/jsonws target/debug/jsonws-docs-fixtures target/docs-screenshots | tee "$log" || browser_ok=0
before=$failed
count_cargo "$log"
if [ "$browser_ok" -eq 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi

step "OpenRPC: the snapshot and the live demo's document against the official meta-schema"
work=$(mktemp -d)
target/debug/jsonws serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
url=""
for _ in $(seq 1 200); do
  url=$(grep -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
openrpc_ok=1
if [ -z "$url" ]; then
  echo "jsonws serve printed no address:"; cat "$work/serve.err"; openrpc_ok=0
else
  python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1] + "?openrpc", timeout=10).read().decode())' \
    "$url" >"$work/demo-openrpc.json" || openrpc_ok=0
fi
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
if [ "$openrpc_ok" -eq 1 ]; then
  tests/openrpc/run.sh crates/jsonws/tests/fixtures/metadata/openrpc.json "$work/demo-openrpc.json" | tee "$log" || openrpc_ok=0
fi
before=$failed
count_cargo "$log"
if [ "$openrpc_ok" -eq 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi
rm -rf "$work"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
