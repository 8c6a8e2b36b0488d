#!/usr/bin/env bash
# The docs page and playground in headless Chromium (run.mjs, with playwright-core and axe-core
# from package-lock.json, installed here with `npm ci` on first use), against a real
# `jsonws serve` and the fixture services of tests/browser/server.
#
# Usage: tests/browser/run.sh JSONWS_BIN FIXTURES_BIN SCREENSHOT_DIR
# Chromium must be at /usr/bin/chromium; when it is missing it is installed with apt-get
# (as root, or through sudo). A missing browser, node or npm is an error, never a skipped test.
set -euo pipefail

die() { echo "browser: error: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 3 ]] || die "usage: tests/browser/run.sh JSONWS_BIN FIXTURES_BIN SCREENSHOT_DIR"
jsonws="$(realpath "$1")"
fixtures="$(realpath "$2")"
mkdir -p "$3"
shots="$(realpath "$3")"

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed or not on PATH"
done

if [[ ! -x /usr/bin/chromium ]]; then
  echo "browser: installing chromium (apt-get)"
  if [[ "$(id -u)" -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  fi
  [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing and could not be installed; install the Debian/Ubuntu package chromium"
fi

for dep in playwright-core axe-core; do
  if [[ ! -f "$here/node_modules/$dep/package.json" ]]; then
    echo "browser: installing node dependencies (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $here"
    break
  fi
done

cd "$here"
node run.mjs "$jsonws" "$fixtures" "$shots"
