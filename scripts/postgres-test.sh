# Sourced, not run, by shell tests that need PostgreSQL (the shell side of test/support/postgres.hpp):
#   fresh_postgres_url      prints the URL of a new, empty database (hvs_test_sh_<pid>_<random>)
# on the server HVS_TEST_POSTGRES_URL names (ctest's `postgres` fixture: hvs_requires_postgres in
# test/CMakeLists.txt). When that is unset (a script run by hand), sourcing this file starts a
# private server (scripts/postgres-test-server.sh) and exports its URL there; it is stopped on exit
# by an EXIT trap that runs before the one already set. Source this after scripts/simulators.sh,
# which sets its own EXIT trap (replacing any earlier one).
# Databases are not dropped: stopping the server removes them all.

hvs_postgres_server_script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/postgres-test-server.sh"

if [[ -z ${HVS_TEST_POSTGRES_URL:-} ]]; then
  hvs_private_postgres_dir=$(mktemp -d /tmp/hvs-pg-XXXXXX)  # short: unix socket paths have ~107 bytes
  stop_private_postgres() { bash "$hvs_postgres_server_script" stop "$hvs_private_postgres_dir"; }
  # Keep the caller's EXIT trap, after ours.
  eval "hvs_trap_words=($(trap -p EXIT))"  # trap -- 'COMMAND' EXIT
  trap "stop_private_postgres; ${hvs_trap_words[2]:-}" EXIT
  HVS_TEST_POSTGRES_URL=$(bash "$hvs_postgres_server_script" start "$hvs_private_postgres_dir") || exit 1
  export HVS_TEST_POSTGRES_URL
fi

fresh_postgres_url() {
  local name  # FILE_COPY: cheaper than the default WAL_LOG (test/support/postgres.cpp)
  name="hvs_test_sh_$$_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$HVS_TEST_POSTGRES_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name STRATEGY FILE_COPY" >&2 || return 1
  # The admin URL naming the new database: scheme and authority, /name, then its parameters.
  [[ $HVS_TEST_POSTGRES_URL =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]] || {
    echo "fresh_postgres_url: not a postgresql:// URL: HVS_TEST_POSTGRES_URL" >&2
    return 1
  }
  echo "${BASH_REMATCH[1]}/$name${BASH_REMATCH[4]}"
}
