#!/usr/bin/env bash
# The services the tests need, brought up by vitest's global setup (test/services.setup.ts) and
# taken down after: `scripts/test-services.sh up` prints KEY=VALUE lines the tests read;
# `scripts/test-services.sh down` stops what `up` started. One function per service, so another
# service (a browser for the HTML report) is one more pair of functions and one more line in up/down.
#
#   postgresql: a real server from Debian's `postgresql` package (apt-get installs it when missing),
#               on a throwaway data directory, listening on a loopback port only.
#   chdb:       ClickHouse embedded (npm `chdb`, ~540 MB): test-only, so it is installed into a cache
#               folder outside node_modules (never a dependency of the package) and imported by path.
set -euo pipefail

STATE=${TOKENOMICS_TEST_STATE:-${TMPDIR:-/tmp}/tokenomics-test-services}
CACHE=${TOKENOMICS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokenomics-test}
CHDB_VERSION=3.4.0
PG_USER=tokenomics
PG_PASSWORD=${TOKENOMICS_TEST_PG_PASSWORD:-pw-$(date +%s%N | sha256sum | cut -c1-16)}

log() { echo "test-services: $*" >&2; }

# --- PostgreSQL -------------------------------------------------------------------------------
pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  echo "$d"
}

postgres_up() {
  local bin port data
  bin=$(pg_bindir)
  if [ -z "$bin" ]; then
    log "installing PostgreSQL (apt-get install postgresql)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    bin=$(pg_bindir)
  fi
  [ -n "$bin" ] || { log "no PostgreSQL server binaries found"; return 1; }
  data="$STATE/pg"
  rm -rf "$data" && mkdir -p "$data"
  # a free loopback port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$STATE/pg"
    chmod 755 "$STATE"
    as=(runuser -u postgres --)
  fi
  echo "$PG_PASSWORD" >"$STATE/pg.pw"
  chmod 644 "$STATE/pg.pw"
  "${as[@]}" "$bin/initdb" -D "$data/db" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$STATE/pg-initdb.log" 2>&1
  "${as[@]}" "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=off" start >&2
  "${as[@]}" "$bin/psql" -q -h "$data" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE tokenomics OWNER $PG_USER" >&2
  echo "$bin" >"$STATE/pg.bin"
  echo "TOKENOMICS_TEST_PG_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/tokenomics"
}

postgres_down() {
  [ -f "$STATE/pg.bin" ] || return 0
  local bin as=()
  bin=$(cat "$STATE/pg.bin")
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/pg_ctl" -D "$STATE/pg/db" -m immediate stop >&2 || true
  rm -rf "$STATE/pg" "$STATE/pg.bin" "$STATE/pg.pw"
}

# --- chDB (ClickHouse embedded) ----------------------------------------------------------------
chdb_up() {
  local dir="$CACHE/chdb-$CHDB_VERSION"
  if [ ! -f "$dir/node_modules/chdb/index.mjs" ]; then
    log "installing chdb@$CHDB_VERSION into $dir (test-only, ~540 MB)"
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --no-save "chdb@$CHDB_VERSION") >&2
  fi
  echo "TOKENOMICS_TEST_CHDB=$dir/node_modules/chdb/index.mjs"
}

chdb_down() { :; }

case "${1:-}" in
  up)
    mkdir -p "$STATE"
    postgres_up
    chdb_up
    ;;
  down)
    postgres_down
    chdb_down
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
