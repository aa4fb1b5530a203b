#!/usr/bin/env bash
# One writer per database: two `once` started at the same moment on one SQLite file — one runs,
# the other exits 1 at once naming the holder; with --wait both run in turn; read-only commands
# and dry runs are never blocked; a SIGKILLed holder leaves no stale lock; no duplicate task.
# Usage: cli_instance_lock.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"L{p}", "name": f"Lock {p}", "description": "",
             "issues": [{"title": f"Issue {n}", "description": f"body {n}", "status": "Todo"} for n in range(25)]}
            for p in range(4)]
json.dump({"huly": {"projects": projects}, "vibe": {"projects": []}}, open(sys.argv[1], "w"))
PY
# Latency makes a cycle last long enough (100 creates) for the second process to find it running.
start_simulators "$bin" --seed "$work/seed.json" --latency-ms 15
export LOG_LEVEL=error
unset LETTA_BASE_URL  # the lock is about the database; Letta only makes the cycle longer
fail() { echo "FAIL: $*" >&2; exit 1; }
deadline_passed() { (( $(date +%s) >= $1 )); }

# 1. Another process holds the lock (flock(1) takes the same kind of lock): writers refuse at once
#    or wait; readers and dry runs go on.
"$bin" once --dry-run >/dev/null 2>&1 || true   # creates nothing; DB may not exist yet
# The holder is the sleeping process itself (it inherits the locked descriptor), so killing it frees
# the lock and leaves no child behind that would keep ctest's output pipe open.
( exec 9>>"$DB_PATH.lock"; flock 9; exec sleep 120 ) >/dev/null 2>&1 &
holder=$!
until_ts=$(( $(date +%s) + 20 ))
until ! flock -n "$DB_PATH.lock" true 2>/dev/null; do
  deadline_passed "$until_ts" && fail "holder never took the lock"; sleep 0.05
done
set +e
"$bin" once >"$work/refused.out" 2>"$work/refused.err"; refused=$?
"$bin" once --wait=1 >"$work/waited.out" 2>"$work/waited.err"; waited=$?
"$bin" once --dry-run >"$work/dry.out" 2>&1; dry=$?
"$bin" import-legacy --db /nonexistent >/dev/null 2>"$work/import.err"; import=$?
set -e
[[ $refused == 1 ]] || fail "once beside a holder exited $refused: $(cat "$work/refused.err")"
grep -q "is in use by" "$work/refused.err" || fail "no holder named: $(cat "$work/refused.err")"
grep -q -- "--wait" "$work/refused.err" || fail "no hint to --wait: $(cat "$work/refused.err")"
[[ $(wc -l <"$work/refused.err") == 1 ]] || fail "more than one line: $(cat "$work/refused.err")"
[[ $waited == 1 ]] && grep -q "waited 1 s" "$work/waited.err" || fail "--wait=1 gave $waited: $(cat "$work/waited.err")"
[[ $dry == 0 ]] || fail "a dry run was blocked ($dry): $(cat "$work/dry.out")"
[[ $import == 1 ]] && grep -q "is in use by" "$work/import.err" || fail "import-legacy was not refused: $(cat "$work/import.err")"
kill "$holder"; wait "$holder" 2>/dev/null || true

# 2. A holder killed with SIGKILL (mid first sync) leaves no stale lock.
"$bin" once --wait=120 >/dev/null 2>&1 & k=$!
until_ts=$(( $(date +%s) + 20 ))
until ! flock -n "$DB_PATH.lock" true 2>/dev/null; do
  kill -0 "$k" 2>/dev/null || break
  deadline_passed "$until_ts" && fail "the run never took the lock"; sleep 0.02
done
kill -9 "$k" 2>/dev/null || true; wait "$k" 2>/dev/null || true
"$bin" once >"$work/after-kill.out" 2>&1 || fail "after a SIGKILLed holder: $(cat "$work/after-kill.out")"

# 3. Two `once` at the same moment: one runs, the other exits 1 naming the first (pid, host, since).
"$bin" once >"$work/a.out" 2>"$work/a.err" & a=$!
"$bin" once >"$work/b.out" 2>"$work/b.err" & b=$!
set +e; wait "$a"; ra=$?; wait "$b"; rb=$?; set -e
if [[ $ra == 0 && $rb == 1 ]]; then loser=b; elif [[ $ra == 1 && $rb == 0 ]]; then loser=a
else fail "exit statuses $ra and $rb: $(cat "$work/a.err" "$work/b.err")"; fi
grep -Eq "is in use by pid [0-9]+ on host .+ since [0-9T:-]+Z \(once\)" "$work/$loser.err" ||
  fail "the refused one does not name the holder: $(cat "$work/$loser.err")"
"$bin" status >/dev/null || fail "status after the runs"

# 4. With --wait both run, one after the other.
"$bin" once --wait=120 >"$work/c.out" 2>"$work/c.err" & c=$!
"$bin" once --wait=120 >"$work/d.out" 2>"$work/d.err" & d=$!
set +e; wait "$c"; rc=$?; wait "$d"; rd=$?; set -e
[[ $rc == 0 && $rd == 0 ]] || fail "with --wait: $rc and $rd: $(cat "$work/c.err" "$work/d.err")"

# No duplicate anywhere: every issue has exactly one task.
python3 - "$HULY_API_URL" "$VIBE_API_URL" <<'PY'
import json, sys, urllib.request, collections
def state(base):
    with urllib.request.urlopen(base[:-len("/api")] + "/__admin/state", timeout=5) as r:
        return json.loads(r.read())
hs, vs = state(sys.argv[1]), state(sys.argv[2])
tasks = collections.Counter()
for p in vs["projects"]:
    for t in p["tasks"]:
        d = t.get("description") or ""
        if "Huly Issue: " in d:
            tasks[d.rsplit("Huly Issue: ", 1)[1].strip()] += 1
issues = [i["identifier"] for p in hs["projects"] for i in p["issues"]]
bad = [f"{i}: {tasks[i]} tasks" for i in issues if tasks[i] != 1]
names = collections.Counter(p["name"] for p in vs["projects"])
bad += [f"Vibe project {n} x{c}" for n, c in names.items() if c != 1]
if bad:
    print("\n".join(bad)); sys.exit(1)
print(f"instance lock: {len(issues)} issues, each with exactly one task; {len(names)} Vibe projects, no duplicate")
PY
