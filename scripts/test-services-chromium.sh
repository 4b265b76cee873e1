#!/usr/bin/env bash
# The browser the HTML report test drives (test/browser): Debian's chromium, installed when missing.
# Idempotent: does nothing when it is there. npm test runs it before vitest; CI starts from a fresh
# machine, so the project installs what its tests need.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-services-chromium: no chromium at $CHROMIUM and no apt-get; install chromium or set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "test-services-chromium: installing chromium (Debian package) for the HTML report test" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "test-services-chromium: chromium installed but not at $CHROMIUM (set CHROMIUM_PATH)" >&2; exit 1; }
