#!/usr/bin/env bash
# Interop tests: starts `jsonws serve` on a free port and points JSON-RPC clients nobody here
# wrote at it — Node with the npm `ws` package (node/interop.mjs), the stock npm
# `socket.io-client` on each of its transports (node/socketio.mjs) and Python with PyPI
# `websockets` (python/interop.py). Both dependency sets are locked (package-lock.json,
# requirements.txt with hashes) and installed here on first use only.
#
# Usage: tests/interop/run.sh [path/to/jsonws]     (default: target/debug/jsonws in the repo root)
# Prints `interop node: ok` / `interop socketio: ok` / `interop python: ok` and a closing `N passed, N failed` line;
# exits non-zero if anything failed.
set -euo pipefail

die() { echo "interop: error: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The binary: an argument is taken relative to the caller's directory, the default to the repo root.
if [[ $# -gt 1 ]]; then die "usage: tests/interop/run.sh [path/to/jsonws]"; fi
bin="${1:-$root/target/debug/jsonws}"
[[ -x "$bin" ]] || die "no executable jsonws at '$bin'; build it with 'cargo build -p jsonws-cli' or pass its path"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

for tool in node npm python3; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is not installed or not on PATH; the interop tests need node (18+), npm and python3"
done

# Dependencies, installed from the lock files only when missing.
if [[ ! -f "$here/node/node_modules/ws/package.json" || ! -f "$here/node/node_modules/socket.io-client/package.json" ]]; then
  echo "interop: installing node dependencies (npm ci)"
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $here/node"
fi
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "interop: creating $venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
fi
if ! "$venv/bin/python" -c 'import websockets' >/dev/null 2>&1; then
  echo "interop: installing python dependencies (pip install --require-hashes)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r "$here/python/requirements.txt" || die "pip install failed for $here/python/requirements.txt"
fi

# The server, always stopped on the way out.
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" serve --addr 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
server_pid=$!

# Wait at most 20 s for the first stdout line: "jsonws: serving demo 1.0.0 at http://… (…)".
first_line=""
for _ in $(seq 200); do
  if [[ "$(wc -l <"$work/stdout")" -ge 1 ]]; then
    first_line="$(head -n 1 "$work/stdout")"
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/stderr" >&2
    die "the server exited before printing its URL"
  fi
  sleep 0.1
done
[[ -n "$first_line" ]] || { cat "$work/stderr" >&2; die "the server printed no URL within 20 s"; }
url="$(sed -n 's|^jsonws: serving .* at \(https\{0,1\}://[^ ]*\) .*$|\1|p' <<<"$first_line")"
[[ -n "$url" ]] || die "cannot find the URL in the server's first line: $first_line"
echo "interop: server at $url"

passed=0
failed=0
run_client() { # name, command...
  local name="$1"
  shift
  local rc=0
  timeout 60 "$@" "$url" || rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "interop $name: ok"
    passed=$((passed + 1))
  else
    echo "interop $name: FAILED (exit $rc)"
    failed=$((failed + 1))
  fi
}
run_client node node "$here/node/interop.mjs"
run_client socketio node "$here/node/socketio.mjs"
run_client python "$venv/bin/python" "$here/python/interop.py"

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "interop: the server exited during the run (it must never crash); its stderr:" >&2
  cat "$work/stderr" >&2
  failed=$((failed + 1))
elif [[ $failed -gt 0 && -s "$work/stderr" ]]; then
  echo "interop: server stderr (last 20 lines):" >&2
  tail -n 20 "$work/stderr" >&2
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
