# Start a throwaway PostgreSQL cluster on loopback for the test run; it stops when the script exits.
start_throwaway_postgres() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PG_DIR="$(mktemp -d /tmp/kennisstad-pg.XXXXXX)"
  local port="${TEST_POSTGRES_PORT:-55432}"
  local run_as=()
  if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root.
    chown postgres "$PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U kennisstad --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c full_page_writes=off" start >/dev/null
  trap 'stop_throwaway_postgres' EXIT
  "${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U kennisstad kennisstad
  THROWAWAY_DATABASE_URL="postgres://kennisstad@127.0.0.1:$port/kennisstad"
  PG_BINDIR="$bindir"
  PG_RUN_AS=("${run_as[@]}")
}

stop_throwaway_postgres() {
  "${PG_RUN_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
