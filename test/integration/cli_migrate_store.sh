#!/usr/bin/env bash
# Moving from SQLite to PostgreSQL (issue 13): a state made by `once` on SQLite, then edits on both
# sides, is copied by `migrate-store` into a fresh PostgreSQL database. A dry run first writes
# nothing; the copy leaves the SQLite file unchanged; `status` on PostgreSQL shows what SQLite
# showed; `once` on PostgreSQL (DB_PATH pointing nowhere) creates no task — the links came across —
# and brings both edits over; a second migrate-store into the now non-empty database is refused.
# Usage: cli_migrate_store.sh BINARY
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/simulators.sh
source "$here/../../scripts/simulators.sh"
# shellcheck source=../../scripts/postgres-test.sh
source "$here/../../scripts/postgres-test.sh"

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"M{p}", "name": f"Moved {p}", "description": f"project {p}",
             "issues": [{"title": f"Issue {n}", "description": f"body {n}", "status": "Todo"} for n in range(4)]}
            for p in range(3)]
json.dump({"huly": {"projects": projects}, "vibe": {"projects": []}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"
export LOG_LEVEL=error
fail() { echo "FAIL: $*" >&2; exit 1; }
sqlite_db=$DB_PATH

"$bin" once >"$work/once1.out" 2>&1 || fail "first cycle on SQLite: $(cat "$work/once1.out")"
"$bin" once >"$work/once2.out" 2>&1 || fail "second cycle on SQLite: $(cat "$work/once2.out")"
"$bin" status --json >"$work/sqlite-status.json" || fail "status on SQLite"

# Edits made while the service is stopped for the move: a title in Huly, a status in Vibe.
python3 - "$HULY_API_URL" "$VIBE_API_URL" <<'PY'
import json, sys, urllib.request
huly, vibe = sys.argv[1:3]
def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")
call("PUT", f"{huly}/issues/M0-1", {"field": "title", "value": "Edited in Huly before the move"})
with urllib.request.urlopen(vibe[:-len("/api")] + "/__admin/state", timeout=5) as r:
    tasks = [t for p in json.loads(r.read())["projects"] for t in p["tasks"]]
task = next(t for t in tasks if (t.get("description") or "").rstrip().endswith("Huly Issue: M1-2"))
call("PUT", f"{vibe}/tasks/{task['id']}", {"status": "done"})
PY

DATABASE_URL=$(fresh_postgres_url)
export DATABASE_URL
state_tables_in_postgres() {
  psql "$DATABASE_URL" -X -q -t -A -c "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
}
fingerprint() { cat "$sqlite_db" "$sqlite_db-wal" 2>/dev/null | sha256sum; }
before=$(fingerprint)

# The dry run: the counts, nothing written (not even the schema).
"$bin" migrate-store --dry-run >"$work/dry.out" 2>&1 || fail "dry run: $(cat "$work/dry.out")"
grep -Eq "^  projects +3$" "$work/dry.out" && grep -Eq "^  links +12$" "$work/dry.out" &&
  grep -q "dry run: would copy" "$work/dry.out" || fail "dry run output: $(cat "$work/dry.out")"
[[ $(state_tables_in_postgres) == 0 ]] || fail "the dry run created tables in PostgreSQL"

"$bin" migrate-store >"$work/migrate.out" 2>&1 || fail "migrate-store: $(cat "$work/migrate.out")"
grep -Eq "^  links +12$" "$work/migrate.out" && grep -Eq "^  agents +3$" "$work/migrate.out" &&
  grep -Eq "^  sync_history +2$" "$work/migrate.out" && grep -q "verified equal" "$work/migrate.out" ||
  fail "migrate-store output: $(cat "$work/migrate.out")"
[[ $(fingerprint) == "$before" ]] || fail "migrate-store changed the SQLite file"

# From now on the state is in PostgreSQL only: DB_PATH names a directory that does not exist.
export DB_PATH="$work/nowhere/sync-state.db"
"$bin" status --json >"$work/pg-status.json" || fail "status on PostgreSQL"
python3 - "$work/sqlite-status.json" "$work/pg-status.json" <<'PY' || fail "status differs after the move"
import json, sys
old, new = (json.load(open(p)) for p in sys.argv[1:3])
def projects(s):
    return {p["identifier"]: (p["name"], p["vibe_id"], p["watermark_ms"], p["links"]) for p in s["projects"]}
def agents(s):
    return {a["project"]: (a["agent_id"], a["blocks"]) for a in s["agents"]}
def cycles(s):
    return [(c["started_at"], c["outcome"], c["tasks_created"]) for c in s["cycles"]]
assert projects(old) == projects(new), (projects(old), projects(new))
assert len(projects(new)) == 3 and all(v[3]["with_task"] == 4 for v in projects(new).values()), projects(new)
assert agents(old) == agents(new) and len(agents(new)) == 3, (agents(old), agents(new))
assert cycles(old) == cycles(new) and len(cycles(new)) == 2, (cycles(old), cycles(new))
PY

"$bin" once >"$work/once-pg.out" 2>&1 || fail "cycle on PostgreSQL: $(cat "$work/once-pg.out")"
"$bin" status --json >"$work/pg-status2.json" || fail "status on PostgreSQL after a cycle"
PYTHONPATH="$here/../../scripts" python3 - "$HULY_API_URL" "$VIBE_API_URL" "$work/pg-status2.json" <<'PY' || fail "the cycle on PostgreSQL"
import json, sys
from sim_state import issues_of, state, tasks_by_issue
hs, vs = state(sys.argv[1]), state(sys.argv[2])
status = json.load(open(sys.argv[3]))
tasks = tasks_by_issue(vs)
issues = issues_of(hs)
bad = [f"{i}: {len(tasks[i])} tasks" for i in issues if len(tasks[i]) != 1]
if len(vs["projects"]) != 3:
    bad.append(f"{len(vs['projects'])} Vibe projects")
last = status["cycles"][0]
if last["tasks_created"] != 0 or last["outcome"] != "ok" or len(status["cycles"]) != 3:
    bad.append(f"the cycle on PostgreSQL: {last} ({len(status['cycles'])} cycles)")
if tasks["M0-1"] and tasks["M0-1"][0]["title"] != "Edited in Huly before the move":
    bad.append(f"the Huly edit did not arrive: {tasks['M0-1'][0]['title']}")
if issues["M1-2"]["status"] != "Done":
    bad.append(f"the Vibe edit did not arrive: M1-2 is {issues['M1-2']['status']}")
if bad:
    print("\n".join(bad)); sys.exit(1)
print(f"migrate-store: {len(issues)} issues, one task each, 0 created on PostgreSQL, both edits arrived")
PY

# The target now holds a state: a second copy is refused, and writes nothing. (Its URL carries a
# password this time, which the trust-authenticated test server ignores and no line may show.)
status=0
DATABASE_URL="$DATABASE_URL&password=pw-never-shown" "$bin" migrate-store --from "$sqlite_db" >"$work/again.out" 2>&1 ||
  status=$?
[[ $status == 1 ]] || fail "a second migrate-store exited $status: $(cat "$work/again.out")"
grep -q "already holds a state" "$work/again.out" || fail "the refusal: $(cat "$work/again.out")"
if grep -q "pw-never-shown" "$work/again.out"; then fail "the password in the output"; fi
[[ $(psql "$DATABASE_URL" -X -q -t -A -c "SELECT count(*) FROM links") == 12 ]] || fail "the refused copy wrote links"
# A replica running on the target: refused at once, naming it (the writers' lock, held exclusively).
# Its Huly is unreachable, so its cycles write nothing anywhere.
DATABASE_URL=$(fresh_postgres_url)
HULY_API_URL=http://127.0.0.1:1/api HEALTH_HOST=127.0.0.1 HEALTH_PORT=$(free_port) REPLICA_ID=busy \
  LETTA_BASE_URL='' "$bin" run >"$work/replica.log" 2>&1 &
replica_pid=$!
stop_replica() { kill "$replica_pid" 2>/dev/null && wait "$replica_pid" 2>/dev/null; return 0; }
eval "trap_before=($(trap -p EXIT))"  # trap -- 'COMMAND' EXIT: keep it (the simulators, a private PostgreSQL)
trap "stop_replica; ${trap_before[2]}" EXIT
python3 - "$DATABASE_URL" <<'PY' || fail "the replica never took the writers' lock: $(cat "$work/replica.log")"
import subprocess, sys, time
deadline = time.monotonic() + 60  # by the clock: a busy machine may start it slowly
query = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
         "(SELECT oid FROM pg_database WHERE datname = current_database())")
while time.monotonic() < deadline:
    out = subprocess.run(["psql", sys.argv[1], "-X", "-q", "-t", "-A", "-c", query], capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip() not in ("", "0"):
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
status=0
"$bin" migrate-store --from "$sqlite_db" >"$work/busy.out" 2>&1 || status=$?
[[ $status == 1 ]] || fail "migrate-store next to a replica exited $status: $(cat "$work/busy.out")"
grep -q "in use by huly-vibe-sync run pid $replica_pid" "$work/busy.out" || fail "the holder: $(cat "$work/busy.out")"
[[ $(psql "$DATABASE_URL" -X -q -t -A -c "SELECT count(*) FROM links") == 0 ]] || fail "copied next to a replica"
echo "migrate-store: ok"
