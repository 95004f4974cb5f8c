# Sourced by ./run-tests: installs Debian packages the tests need and starts real services
# as processes on loopback (no Docker).

tend_install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests: missing Debian packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
  echo "run-tests: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A throwaway cluster with trust auth on a free port; exports TEND_TEST_PG_URL.
tend_start_postgres() {
  local pgbin port
  pgbin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin"
  TEND_PG_DATA="$(mktemp -d /tmp/tend-pg.XXXXXX)"
  port=$(( 20000 + RANDOM % 20000 ))
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$TEND_PG_DATA"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$pgbin/initdb" -D "$TEND_PG_DATA" -A trust -U postgres --no-sync -E UTF8 >/dev/null
  "${run[@]}" "$pgbin/pg_ctl" -D "$TEND_PG_DATA" -l "$TEND_PG_DATA/log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $TEND_PG_DATA -c fsync=off" start >/dev/null
  "${run[@]}" "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database tend_test" >/dev/null
  export TEND_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/tend_test?user=postgres"
  TEND_PG_RUN=("${run[@]}")
  TEND_PG_BIN="$pgbin"
  echo "run-tests: PostgreSQL on 127.0.0.1:$port" >&2
}

tend_stop_postgres() {
  [ -n "${TEND_PG_DATA:-}" ] || return 0
  "${TEND_PG_RUN[@]}" "$TEND_PG_BIN/pg_ctl" -D "$TEND_PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$TEND_PG_DATA"
}
