#!/usr/bin/env bash
# Crash consistency: `huly-vibe-sync once` against the simulators is killed with SIGKILL at 20
# seeded random points; between kills a person edits Huly and Vibe. After a run that completes,
# every Huly issue must have exactly one Vibe task, every project exactly one PM agent in Letta,
# and every edit must have reached the other side.
# Usage: crash_restart.sh BINARY [SEED]
set -euo pipefail
bin=$1
seed=${2:-20261124}
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = []
for p in range(10):
    statuses = ["Backlog", "Todo", "In Progress", "Done", "Canceled"]
    issues = [{"title": f"Issue {n}", "description": f"body {n}", "status": statuses[n % 5]} for n in range(15)]
    projects.append({"identifier": f"K{p}", "name": f"Kill {p}", "description": "", "issues": issues})
json.dump({"huly": {"projects": projects}, "vibe": {"projects": []}}, open(sys.argv[1], "w"))
PY

start_simulators "$bin" --seed "$work/seed.json" --latency-ms 2
export HTTP_TIMEOUT=2000 LOG_LEVEL=error

# A person's edits between runs: a Huly title, then a Vibe status, each on a different issue.
edit() {
  python3 - "$HULY_API_URL" "$VIBE_API_URL" "$1" <<'PY'
import json, sys, urllib.request
huly, vibe, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")
project = f"K{step % 10}"
call("PUT", f"{huly}/issues/{project}-{step % 15 + 1}", {"field": "title", "value": f"Edited in Huly at step {step}"})
root = vibe[:-len("/api")]
for p in call("GET", f"{root}/__admin/state")["projects"]:
    if p["name"] == f"Kill {(step + 3) % 10}":
        for t in p["tasks"]:
            if t["description"] and "Huly Issue:" in t["description"]:
                call("PUT", f"{vibe}/tasks/{t['id']}", {"status": "inreview" if step % 2 else "done"})
                print(t["description"].rsplit("Huly Issue: ", 1)[1], "inreview" if step % 2 else "done")
                break
PY
}

RANDOM=$seed
: >"$work/vibe_edits"
for point in $(seq 1 20); do
  "$bin" once >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(printf '%03d' $((RANDOM % 400 + 5)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ((point % 4 == 0)); then edit "$point" >>"$work/vibe_edits"; fi
done

# Now let it finish, twice: the second run must find nothing left to do.
"$bin" once >"$work/final1" 2>&1 || { cat "$work/final1"; exit 1; }
"$bin" once >"$work/final2" 2>&1 || { cat "$work/final2"; exit 1; }

PYTHONPATH="$(dirname "$0")/../../scripts" python3 - "$HULY_API_URL" "$VIBE_API_URL" "$LETTA_BASE_URL" "$work/vibe_edits" "$work/final2" <<'PY'
import sys, collections
from sim_state import issues_of, state, tasks_by_issue
huly, vibe, letta, edits_file, final2 = sys.argv[1:6]
hs, vs, ls = state(huly), state(vibe), state(letta, "/v1")
issues = issues_of(hs)
tasks = tasks_by_issue(vs)
errors = []
for ident, issue in issues.items():
    n = len(tasks.get(ident, []))
    if n != 1:
        errors.append(f"{ident}: {n} tasks")
    elif tasks[ident][0]["title"] != issue["title"]:
        errors.append(f"{ident}: task title {tasks[ident][0]['title']!r} != {issue['title']!r}")
agents = collections.Counter(t for a in ls["agents"] for t in a["tags"] if t.startswith("project:"))
for p in hs["projects"]:
    if agents[f"project:{p['identifier']}"] != 1:
        errors.append(f"{p['identifier']}: {agents[f'project:' + p['identifier']]} PM agents")
for line in open(edits_file):
    ident, status = line.split()
    # The default Huly catalogue has no In Review: that edit is refused and stays in Vibe only.
    if status == "done" and issues[ident]["status"] != "Done":
        errors.append(f"{ident}: Vibe's 'done' did not reach Huly ({issues[ident]['status']})")
if "created 0, tasks updated 0, Huly updated 0" not in open(final2).read():
    errors.append("the run after convergence still wrote: " + open(final2).read())
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"crash consistency: {len(issues)} issues, each with exactly one task, {len(hs['projects'])} projects, "
      "each with exactly one PM agent, after 20 SIGKILLs")
PY
