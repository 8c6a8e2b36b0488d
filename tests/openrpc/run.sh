#!/usr/bin/env bash
# Validates OpenRPC documents against the official OpenRPC meta-schema (validate.mjs, with
# @open-rpc/meta-schema, ajv and ajv-formats from package-lock.json, installed here with
# `npm ci` on first use only).
#
# Usage: tests/openrpc/run.sh FILE...    (paths relative to the caller's directory)
# Prints `ok FILE` / `FAILED FILE` with the reasons, then `N passed, N failed`; exits non-zero
# if any file failed. A missing node or npm is an error, never a skipped check.
set -euo pipefail

die() { echo "openrpc: error: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

[[ $# -ge 1 ]] || die "usage: tests/openrpc/run.sh FILE..."

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is not installed or not on PATH; validating OpenRPC documents needs node (18+) and npm"
done
major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$major" -ge 18 ]] || die "node $(node --version) is too old; validate.mjs needs node 18 or newer"

deps=(@open-rpc/meta-schema @json-schema-tools/meta-schema ajv ajv-formats)
for dep in "${deps[@]}"; do
  if [[ ! -f "$here/node_modules/$dep/package.json" ]]; then
    echo "openrpc: installing node dependencies (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $here"
    break
  fi
done

exec node "$here/validate.mjs" "$@"
