#!/usr/bin/env bash
# The shell side of the tests' PostgreSQL harness (scripts/postgres-test.sh): two fresh databases
# are distinct, empty and writable, on a PostgreSQL 15 that never runs as root.
# Usage: postgres_harness.sh [--under-ctest]   (then HVS_TEST_POSTGRES_URL must come from the fixture)
set -euo pipefail
if [[ ${1:-} == --under-ctest && -z ${HVS_TEST_POSTGRES_URL:-} ]]; then
  echo "FAIL: ctest did not give HVS_TEST_POSTGRES_URL (hvs_requires_postgres)" >&2
  exit 1
fi
source "$(dirname "$0")/../../scripts/postgres-test.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
sql() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }

first=$(fresh_postgres_url)
second=$(fresh_postgres_url)
[[ $first != "$second" ]] || fail "two fresh databases have one URL: $first"
[[ $(sql "$first" 'SELECT current_database()') != $(sql "$second" 'SELECT current_database()') ]] ||
  fail "two fresh URLs name one database"

sql "$first" "CREATE TABLE marker (value text); INSERT INTO marker VALUES ('first')"
[[ $(sql "$second" "SELECT to_regclass('marker') IS NULL") == t ]] || fail "the second database is not empty"
sql "$second" "CREATE TABLE marker (value text); INSERT INTO marker VALUES ('second')"
[[ $(sql "$first" 'SELECT value FROM marker') == first ]] || fail "the first database lost its row"
[[ $(sql "$second" 'SELECT value FROM marker') == second ]] || fail "the second database lost its row"

version=$(sql "$first" 'SHOW server_version')
[[ $version == 15.* ]] || fail "server_version is $version, not 15"

# The server's process (the postmaster: a backend ends with its connection) and its user.
postmaster_pid=$(head -n 1 "$(sql "$first" 'SHOW data_directory')/postmaster.pid")
server_user=$(ps -o user= -p "$postmaster_pid")
if [[ $EUID -eq 0 ]]; then
  [[ $server_user == postgres ]] || fail "as root, the server should run as postgres, not $server_user"
else
  [[ $server_user == "$(id -un)" ]] || fail "the server runs as $server_user, not as $(id -un)"
fi
echo "postgres_harness: ok (PostgreSQL $version, server process $postmaster_pid runs as $server_user)"
