#!/usr/bin/env bash
# PM agent work an operator can see, through the binary against the simulators (Letta's agent quota
# lets two of the three projects have a PM agent, so every cycle is partial):
# - once: exit 1, `cycle partial`, the summary counts; one info line per project whose agent was
#   written (created=1 … blocks_written=6) and a warning with the refused project's reason; no
#   progress lines when stderr is not a terminal.
# - run, after a tool was added to the control agent: its first cycle attaches it to both agents;
#   /metrics counts it (hvs_letta_writes_total{kind="tool_attached"} 2) and /api/sync/history has
#   both cycles' agent work, the refused project's reason included.
# - once on a terminal: one progress line per project's sync and per PM agent.
# Usage: cli_agent_work.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 - "$(dirname "$0")/../../deploy/demo-workspace.json" "$work/seed.json" <<'PY'
import json, sys
seed = json.load(open(sys.argv[1]))
seed["letta"]["tools"] += [{"name": "release_notes"}]
json.dump(seed, open(sys.argv[2], "w"))
PY
# Three agents in all: the control agent, then WEB's and OPS's (MAX_WORKERS=1: projects in order).
start_simulators "$bin" --seed "$work/seed.json" --letta-agent-quota 3
export MAX_WORKERS=1

status=0
LOG_LEVEL=info "$bin" once >"$work/once.out" 2>"$work/once.err" || status=$?
[[ $status == 1 ]] || fail "once exited $status, not 1, with a PM agent refused: $(cat "$work/once.out")"
grep -q '^cycle partial: 3 projects ok, 0 failed' "$work/once.out" || fail "not partial: $(cat "$work/once.out")"
grep -qx 'PM agents: 3, 1 failed; created=2 tools_attached=0 blocks_written=12 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0' "$work/once.out" ||
  fail "summary counts: $(cat "$work/once.out")"
for project in WEB OPS; do
  n=$(grep -c " info .*project=$project | PM agent agent-[^:]*: created=1 tools_attached=0 blocks_written=6 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0\$" \
      "$work/once.err" || true)
  [[ $n == 1 ]] || fail "$n info lines for $project's agent work: $(cat "$work/once.err")"
done
grep -q " warning .*project=DOCS | PM agent -: created=0 .*; failed: Letta refused to create agent" "$work/once.err" ||
  fail "no warning with DOCS's reason: $(cat "$work/once.err")"
grep -q '^\[[0-9]*/[0-9]*\]' "$work/once.out" "$work/once.err" && fail "progress lines without a terminal"

# A tool added to the control agent, as at the Letta UI.
python3 - "$LETTA_BASE_URL" "$LETTA_PASSWORD" <<'PY'
import json, sys, urllib.request
base, password = sys.argv[1], sys.argv[2]
def call(method, path):
    req = urllib.request.Request(base + path, method=method, headers={"Authorization": "Bearer " + password})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")
agent = [a for a in call("GET", "/agents/?limit=1000") if a["name"] == "Huly-PM-Control"][0]
tool = [t for t in call("GET", "/tools/?limit=1000") if t["name"] == "release_notes"][0]
call("PATCH", f"/agents/{agent['id']}/tools/attach/{tool['id']}")
PY

port=$(free_port)
# VIBE_EVENTS=false, HULY_EVENTS_URL empty: this test reads the metrics of exactly one cycle; a
# feed would announce what that cycle writes and start a cycle over its projects.
HULY_EVENTS_URL= VIBE_EVENTS=false LOG_LEVEL=info HEALTH_PORT=$port SYNC_INTERVAL=600000 "$bin" run >"$work/run.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; stop_simulators' EXIT
# Scrape once the daemon's first cycle has ended.
wait_first_cycle "$port" || { tail -20 "$work/run.log" >&2; fail "no cycle of the daemon"; }
ops_get "$port" /metrics >"$work/metrics.txt"
ops_get "$port" /api/sync/history >"$work/history.json"
kill "$daemon"
wait "$daemon" || true
trap stop_simulators EXIT

for project in WEB OPS; do
  n=$(grep -c " info .*project=$project | PM agent agent-[^:]*: created=0 tools_attached=1 " "$work/run.log" || true)
  [[ $n == 1 ]] || fail "$n info lines for $project's tool attach in the daemon: $(cat "$work/run.log")"
done
expect_metric() {
  grep -qx "$1 $2" "$work/metrics.txt" || fail "expected '$1 $2' in /metrics: $(grep "${1%%\{*}" "$work/metrics.txt")"
}
expect_metric 'hvs_letta_writes_total{kind="tool_attached"}' 2
expect_metric 'hvs_letta_writes_total{kind="agent_created"}' 0
expect_metric 'hvs_letta_writes_total{kind="file_uploaded"}' 0
expect_metric 'hvs_cycles_total{outcome="partial"}' 1
if command -v promtool >/dev/null; then
  promtool check metrics <"$work/metrics.txt" || fail "promtool check metrics"
fi

python3 - "$work/history.json" <<'PY' || fail "history: $(cat "$work/history.json")"
import json, sys
daemon, once = json.load(open(sys.argv[1]))[:2]
for cycle in (daemon, once):
    assert cycle["outcome"] == "partial", cycle
    docs = cycle["agent_work"]["projects"]["DOCS"]
    assert not docs["ok"] and "402" in docs["error"], docs
    assert any(e["project"] == "DOCS" and e["error"].startswith("PM agent: Letta refused") for e in cycle["errors"]), cycle
    assert (cycle["agent_work"]["agents"], cycle["agent_work"]["failed"]) == (3, 1), cycle
assert once["agent_work"]["totals"] == {"created": 2, "tools_attached": 0, "blocks_written": 12, "files_uploaded": 0, "tools_detached": 0, "drift_found": 0, "drift_repaired": 0}, once
for project in ("WEB", "OPS"):
    assert once["agent_work"]["projects"][project]["created"] == 1, once
    assert daemon["agent_work"]["projects"][project]["tools_attached"] == 1, daemon
assert daemon["agent_work"]["totals"]["tools_attached"] == 2, daemon
PY
# On a terminal (script(1) gives once one), a progress line as each project's step ends.
if command -v script >/dev/null; then
  LOG_LEVEL=error script -qec "$bin once" /dev/null >"$work/tty.out" </dev/null || true
  for line in '[1/3] WEB synced: ' '[2/3] OPS synced: ' '[3/3] DOCS synced: ' '[1/3] WEB PM agent agent-' \
              '[3/3] DOCS PM agent -: created=0 tools_attached=0 blocks_written=0 files_uploaded=0 tools_detached=0 drift_found=0 drift_repaired=0; failed: '; do
    grep -qF "$line" "$work/tty.out" || fail "no progress line '$line' on a terminal: $(cat "$work/tty.out")"
  done
fi
echo "agent work visible: log lines, once's summary, history and /metrics"
