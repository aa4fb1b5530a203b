#!/usr/bin/env bash
# Duplicates already made are found and repaired: two Vibe tasks carrying one issue's marker are
# reported by the cycle (`status`), listed by `repair duplicates` (a dry run that changes nothing),
# and reduced to one by `--apply` — the linked task kept, a status changed on the removed one carried
# over and then synced to Huly. An empty duplicate Vibe project is deleted, one with tasks is not.
# Usage: cli_repair_duplicates.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"D{p}", "name": f"Dup {p}", "description": "",
             "issues": [{"title": f"Issue {n}", "description": f"body {n}", "status": "Todo"} for n in range(5)]}
            for p in range(2)]
json.dump({"huly": {"projects": projects}, "vibe": {"projects": []}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"
export LOG_LEVEL=error
unset LETTA_BASE_URL
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" once >"$work/first.out" 2>&1 || fail "first cycle: $(cat "$work/first.out")"

# Duplicates as a second process would have made them: the same title and marker again; one of
# them then moved to done in Vibe.
python3 - "$VIBE_API_URL" "$STACKS_DIR" <<'PY'
import json, sys, urllib.request
vibe, stacks = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(vibe + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())["data"]
projects = {p["name"]: p for p in call("GET", "/projects")}
tasks = call("GET", "/tasks?project_id=" + projects["Dup 0"]["id"])
by_issue = {t["description"].rsplit("Huly Issue: ", 1)[1].strip(): t for t in tasks}
for issue in ("D0-1", "D0-2"):
    t = by_issue[issue]
    copy = call("POST", "/tasks", {"project_id": projects["Dup 0"]["id"], "title": t["title"], "description": t["description"]})
    if issue == "D0-1":
        call("PUT", "/tasks/" + copy["id"], {"status": "done"})
call("POST", "/projects", {"name": "dup 1", "git_repo_path": stacks + "/empty-dup", "use_existing_repo": False})
busy = call("POST", "/projects", {"name": "DUP 1", "git_repo_path": stacks + "/busy-dup", "use_existing_repo": False})
call("POST", "/tasks", {"project_id": busy["id"], "title": "by hand", "description": "made in Vibe"})
PY

"$bin" once >"$work/second.out" 2>&1 || fail "cycle with duplicates: $(cat "$work/second.out")"
"$bin" status --json >"$work/status.json"
python3 - "$work/status.json" <<'PY' || fail "status does not report the duplicates: $(cat "$work/status.json")"
import json, sys
projects = {p["identifier"]: p for p in json.load(open(sys.argv[1]))["projects"]}
assert projects["D0"]["duplicate_tasks"] == 2, projects["D0"]
assert projects["D1"]["duplicate_tasks"] == 0, projects["D1"]
PY

count_tasks() {
  python3 - "$VIBE_API_URL" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1][:-len("/api")] + "/__admin/state", timeout=5) as r:
    state = json.loads(r.read())
print(sum(len(p["tasks"]) for p in state["projects"]), len(state["projects"]))
PY
}
before=$(count_tasks)
"$bin" repair duplicates >"$work/dry.out" 2>&1 || fail "dry run: $(cat "$work/dry.out")"
grep -q "WOULD DELETE" "$work/dry.out" && grep -q "D0-1" "$work/dry.out" && grep -q "status done" "$work/dry.out" ||
  fail "dry run does not show the plan: $(cat "$work/dry.out")"
grep -q "empty, would be deleted" "$work/dry.out" || fail "the empty duplicate project is not listed: $(cat "$work/dry.out")"
[[ $(count_tasks) == "$before" ]] || fail "the dry run changed Vibe: $before -> $(count_tasks)"

"$bin" repair duplicates --apply >"$work/apply.out" 2>&1 || fail "apply: $(cat "$work/apply.out")"
grep -q "deleted 2, carried over from 1, failed 0" "$work/apply.out" || fail "apply summary: $(cat "$work/apply.out")"
grep -q "has 1 tasks, not deleted" "$work/apply.out" || fail "the busy duplicate project: $(cat "$work/apply.out")"
"$bin" once >"$work/third.out" 2>&1 || fail "cycle after the repair: $(cat "$work/third.out")"
"$bin" status --json >"$work/status2.json"

PYTHONPATH="$(dirname "$0")/../../scripts" python3 - "$HULY_API_URL" "$VIBE_API_URL" "$work/status2.json" <<'PY'
import collections, json, sys
from sim_state import issues_of, state, tasks_by_issue
hs, vs = state(sys.argv[1]), state(sys.argv[2])
tasks = tasks_by_issue(vs)
issues = issues_of(hs)
bad = [f"{i}: {len(tasks[i])} tasks" for i in issues if len(tasks[i]) != 1]
if issues["D0-1"]["status"] != "Done":
    bad.append(f"D0-1 in Huly is {issues['D0-1']['status']}, the removed duplicate's 'done' was not carried over")
names = collections.Counter(p["name"].lower() for p in vs["projects"])
if names["dup 1"] != 2:
    bad.append(f"Vibe projects named dup 1: {names['dup 1']} (the empty duplicate deleted, the busy one kept)")
if any(p["duplicate_tasks"] for p in json.load(open(sys.argv[3]))["projects"]):
    bad.append("status still reports duplicates")
if bad:
    print("\n".join(bad)); sys.exit(1)
print(f"repair duplicates: {len(issues)} issues, each with one task; the carried status reached Huly")
PY
