#!/bin/bash
# PostgreSQL for the dev overlay: the official image's contract (POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB, PGDATA)
# on a read-only root file system (data in PGDATA's volume, sockets and temp files in /tmp).
set -euo pipefail
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required (no default password)}"
user=${POSTGRES_USER:-postgres}
export PGDATA=${PGDATA:-/var/lib/postgresql/data/pgdata}
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"; chmod 0700 "$PGDATA"
  pwfile=$(mktemp); trap 'rm -f "$pwfile"' EXIT
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-instructions >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | "$bin/postgres" --single -D "$PGDATA" -c unix_socket_directories=/tmp postgres >/dev/null
  fi
  echo "initialised $PGDATA"
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp \
  -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}" "$@"
