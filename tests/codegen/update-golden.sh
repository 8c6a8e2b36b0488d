#!/usr/bin/env bash
# Rewrites the committed generated clients after a deliberate change of the generator: the Rust
# clients that tests/codegen/rust compiles (demo from `jsonws serve`, edge from `edge-server`,
# calc and inventory from their files) and the insta snapshots of every language. Review the
# diff before committing it.
#
# Usage: tests/codegen/update-golden.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo build --quiet -p jsonws-cli -p jsonws-codegen-rust --bin edge-server --bin jsonws
src=tests/codegen/rust/src
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
# start NAME COMMAND...: starts a server (in this shell, so the trap stops it) and sets
# started_url to the URL it prints first.
start() {
  local name="$1"
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 200); do
    if grep -q 'http://' "$work/$name.out"; then
      started_url="$(grep -o 'http://[^ ]*' "$work/$name.out" | head -n 1)"
      return
    fi
    sleep 0.1
  done
  echo "update-golden: $name printed no URL" >&2
  exit 1
}
start demo target/debug/jsonws serve --addr 127.0.0.1:0
demo="$started_url"
start edge target/debug/edge-server
edge="$started_url"
target/debug/jsonws gen --lang Rust --url "$demo" --out "$src"
target/debug/jsonws gen --lang Rust --url "$edge" --out "$src"
target/debug/jsonws gen --lang Rust --schema crates/jsonws/tests/fixtures/codegen/json-ws-metadata-calc.json --out "$src"
target/debug/jsonws gen --lang Rust --schema crates/jsonws/tests/fixtures/import/inventory.json --out "$src"
INSTA_UPDATE=always cargo test --quiet -p jsonws-cli golden
INSTA_UPDATE=always cargo test --quiet -p jsonws --test it codegen::golden
git status --short -- "$src" crates/jsonws/tests/it/snapshots crates/jsonws-cli/src/snapshots
