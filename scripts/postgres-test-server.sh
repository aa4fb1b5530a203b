#!/usr/bin/env bash
# A private PostgreSQL server for the tests, from Debian's postgresql-15 (never the system's cluster).
# Usage: postgres-test-server.sh start|stop|url DIR      (DIR absolute and short, e.g. under /tmp)
#   start  initdb into DIR/data, start the server, wait until it accepts connections (by the clock,
#          HVS_POSTGRES_START_TIMEOUT seconds, default 60) and print its admin URL; on failure exit 1
#          with the server log's tail. A server left in DIR by an interrupted run is stopped first.
#   stop   stop the server at once (pg_ctl stop -m immediate) and remove DIR; nothing stays running.
#   url    print the admin URL: postgresql:///postgres?host=DIR/socket&port=5432&user=postgres
# The server listens on a unix socket in DIR/socket only (listen_addresses=''): no TCP port to pick, so
# parallel servers (the dev and asan builds, a test binary run by hand) cannot take each other's port,
# and nothing outside this machine can reach a server that trusts every local connection. Durability
# is off (fsync, synchronous_commit, full_page_writes): the data dies with the test run anyway.
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user (created
# by the package), which owns DIR.
set -euo pipefail

usage() { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command=$1
dir=${2%/}
[[ $dir == /* ]] || { echo "postgres-test-server: DIR must be an absolute path: $dir" >&2; exit 2; }

port=5432  # the socket file's name (.s.PGSQL.5432); the socket directory makes it unique
marker="$dir/.hvs-postgres-test-server"  # DIR is ours to remove only when this is in it

admin_url() { echo "postgresql:///postgres?host=$dir/socket&port=$port&user=postgres"; }

# The server's binaries: HVS_POSTGRES_BINDIR, else Debian's PostgreSQL 15, else pg_config's (the
# client's, which is the server's only when they come from the same installation), else the newest
# /usr/lib/postgresql/*/bin.
server_bindir() {
  local candidates=()
  [[ -n ${HVS_POSTGRES_BINDIR:-} ]] && candidates+=("$HVS_POSTGRES_BINDIR")
  candidates+=(/usr/lib/postgresql/15/bin)
  command -v pg_config >/dev/null && candidates+=("$(pg_config --bindir)")
  local versioned
  versioned=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r || true)
  [[ -n $versioned ]] && mapfile -t -O "${#candidates[@]}" candidates <<<"$versioned"
  local candidate
  for candidate in "${candidates[@]}"; do
    if [[ -x $candidate/initdb && -x $candidate/pg_ctl && -x $candidate/postgres ]]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "postgres-test-server: no PostgreSQL server binaries (initdb, pg_ctl, postgres) in: ${candidates[*]};" \
       "install postgresql-15 (scripts/install-deps.sh --tests) or set HVS_POSTGRES_BINDIR" >&2
  return 1
}

# Runs a server command as the user the server runs as: `postgres` when we are root, else ourselves.
as_server_user() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Stops the server whose data directory is DIR/data, if one runs, and fails if it is still alive.
stop_server() {
  local bindir=$1 pid_file="$dir/data/postmaster.pid" pid=""
  [[ -f $pid_file ]] || return 0
  pid=$(head -n 1 "$pid_file")
  (cd "$dir" && as_server_user "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 60 >/dev/null 2>&1) || true
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(ps -o args= -p "$pid") == *"$dir/data"* ]]; then
    echo "postgres-test-server: the server in $dir (pid $pid) is still running after pg_ctl stop" >&2
    return 1
  fi
}

# Refuses to touch a DIR that is neither absent, empty nor one of ours.
check_dir_is_ours() {
  if [[ -d $dir && ! -e $marker && -n $(ls -A "$dir") ]]; then
    echo "postgres-test-server: $dir is not empty and was not made by this script; not touching it" >&2
    exit 1
  fi
}

# fail_start MESSAGE [LOG]: MESSAGE and the tail of LOG (default: the server's log) on stderr; exit 1.
fail_start() {
  local log=${2:-$dir/server.log}
  echo "postgres-test-server: $1" >&2
  [[ -s $log ]] && { echo "--- tail of $log:" >&2; tail -n 30 "$log" >&2; }
  exit 1
}

start() {
  local bindir socket="$dir/socket/.s.PGSQL.$port"
  bindir=$(server_bindir)
  if (( ${#socket} > 107 )); then
    echo "postgres-test-server: the socket path $socket is longer than 107 bytes; use a shorter DIR" >&2
    exit 1
  fi
  check_dir_is_ours
  if [[ -e $marker ]]; then  # an interrupted run's server and data
    stop_server "$bindir"
    rm -rf "$dir"
  fi
  mkdir -p -m 700 "$dir"
  mkdir -p "$dir/socket"
  touch "$marker"
  if [[ $EUID -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || fail_start "running as root, but there is no postgres system user to run the server as"
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      fail_start "the postgres user cannot write $dir (is a parent directory closed to it?)"
  fi
  cd "$dir"  # the server user may not be allowed into the caller's working directory

  as_server_user "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || fail_start "initdb failed" "$dir/initdb.log"
  # Autovacuum is off: the tests create hundreds of small databases the server would otherwise visit
  # in turn on a busy 2-core machine; nothing in a test's lifetime needs it.
  cat >>"$dir/data/postgresql.conf" <<EOF

# postgres-test-server.sh: a throwaway server for the tests
listen_addresses = ''
unix_socket_directories = '$dir/socket'
port = $port
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
timezone = 'UTC'
EOF
  # pg_ctl -w waits (by the clock) until the postmaster reports itself ready or dies; pg_isready then
  # confirms that it accepts connections on the socket the URL names.
  local timeout=${HVS_POSTGRES_START_TIMEOUT:-60}
  local deadline=$((SECONDS + timeout))
  as_server_user "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t "$timeout" >/dev/null 2>&1 ||
    { stop_server "$bindir" || true; fail_start "pg_ctl start failed"; }
  until pg_isready -q -h "$dir/socket" -p "$port" -U postgres -d postgres; do
    (( SECONDS < deadline )) || { stop_server "$bindir" || true; fail_start "not accepting connections after $timeout s"; }
    sleep 0.1
  done
  admin_url
}

stop() {
  [[ -e $dir ]] || return 0
  check_dir_is_ours
  stop_server "$(server_bindir)"
  rm -rf "$dir"
}

case $command in
  start) start ;;
  stop) stop ;;
  url) admin_url ;;
  *) usage ;;
esac
