#!/usr/bin/env bash
# Install and build tokenomics in the action's own checkout ($GITHUB_ACTION_PATH): `npm ci`
# installs the dependencies (devDependencies included: the build needs TypeScript) and runs the
# `prepare` build. A failure exits 2 with status=error, never 1 (1 means "a budget failed").
set -u
root="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
fail() {
  echo "::error title=tokenomics install failed::$1 (this is not a cost regression)"
  [ -n "${GITHUB_OUTPUT:-}" ] && { echo "status=error"; echo "exit-code=2"; } >> "$GITHUB_OUTPUT"
  exit 2
}
command -v node >/dev/null 2>&1 || fail "node is not on PATH: add actions/setup-node (Node 20 or later) before this action"
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$major" -ge 20 ] 2>/dev/null || fail "tokenomics needs Node 20 or later (found $(node --version 2>/dev/null))"
if [ -f "$root/dist/bundle/main.js" ] && [ -f "$root/dist/pricing/catalog-cache.json" ] && [ -d "$root/node_modules" ]; then
  echo "tokenomics: already built in $root"
  exit 0
fi
cd "$root" || fail "cannot enter $root"
npm ci --no-audit --no-fund --loglevel=error 1>&2 || fail "npm ci in $root failed"
[ -f "$root/dist/bundle/main.js" ] || npm run build 1>&2 || fail "the build (npm run build) in $root failed"
echo "tokenomics: installed in $root"
