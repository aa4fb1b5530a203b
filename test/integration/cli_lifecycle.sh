#!/usr/bin/env bash
# The daemon's lifecycle as an operator meets it, with the real binary and signals:
#  1. SIGTERM during a cycle: in-flight work finishes within SHUTDOWN_GRACE, the cycle is
#     recorded as interrupted, exit 0.
#  2. A second signal while the first one's grace runs: exit at once.
#  3. Started while Vibe is down: it starts, /health says degraded and names Vibe, and it
#     recovers when Vibe comes up, without a restart.
# Usage: cli_lifecycle.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
export LOG_LEVEL=warning SYNC_INTERVAL=600000

# health PORT -> "<http status> <health status>", or "down"
health() {
  python3 - "$1" <<'PY'
import json, sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=2); code = r.status; body = r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
except Exception:
    print("down"); sys.exit(0)
doc = json.loads(body)
print(code, doc["status"], "running" if doc.get("cycle_running") else "idle", " | ".join(doc.get("reasons", [])))
PY
}
# Waits by the clock (not by a count of polls, which a busy machine stretches) until /health
# matches PATTERN.
wait_health() {  # PORT PATTERN SECONDS
  local deadline=$(($(date +%s) + $3))
  while (($(date +%s) < deadline)); do
    [[ $(health "$1") == $2 ]] && return 0
    sleep 0.1
  done
  echo "FAIL: /health never matched '$2' within $3 s; last: $(health "$1")" >&2
  return 1
}
fail() { echo "FAIL: $*" >&2; [[ -f $work/run.log ]] && tail -20 "$work/run.log" >&2; exit 1; }
stall_vibe() {  # MILLISECONDS: from now on every Vibe request is answered that late
  python3 - "$VIBE_API_URL" "$1" <<'PY'
import json, sys, urllib.request
admin = sys.argv[1][:-len("/api")] + "/__admin/faults"
urllib.request.urlopen(urllib.request.Request(admin, method="DELETE"), timeout=5).read()
body = json.dumps({"route": "*", "kind": "stall", "stall_ms": int(sys.argv[2]), "count": 100000}).encode()
urllib.request.urlopen(urllib.request.Request(admin, data=body, method="POST",
                                              headers={"Content-Type": "application/json"}), timeout=5).read()
PY
}

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"L{p}", "name": f"Life {p}", "description": "",
             "issues": [{"title": f"Issue {n}", "status": "Todo"} for n in range(5)]} for p in range(4)]
json.dump({"huly": {"projects": projects}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"

# 1. SIGTERM while Vibe answers every request 1.5 s late: the requests in flight finish.
stall_vibe 1500
port=$(free_port)
HEALTH_PORT=$port SHUTDOWN_GRACE=20000 "$bin" run >"$work/run.log" 2>&1 &
pid=$!
wait_health "$port" "200 * running*" 20 || fail "the daemon did not start a cycle"  # now waiting on Vibe
started=$(date +%s%N)
kill -TERM "$pid"
set +e; wait "$pid"; code=$?; set -e
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
[[ $code -eq 0 ]] || fail "SIGTERM during a cycle exited $code, not 0"
((elapsed_ms < 15000)) || fail "the graceful stop took $elapsed_ms ms"
"$bin" status --json >"$work/status.json" || fail "status after the stop"
python3 - "$work/status.json" <<'PY' || fail "the stopped cycle was not recorded as interrupted"
import json, sys
cycles = json.load(open(sys.argv[1]))["cycles"]
assert cycles and cycles[0]["outcome"] == "interrupted", cycles[:1]
PY
echo "SIGTERM during a cycle: exit 0 after $elapsed_ms ms, cycle recorded as interrupted"

# 2. Vibe stalls for a minute: the first SIGTERM waits for the grace, a second one does not.
stall_vibe 60000
HEALTH_PORT=$port SHUTDOWN_GRACE=60000 "$bin" run >"$work/run.log" 2>&1 &
pid=$!
wait_health "$port" "200 * running*" 20 || fail "the daemon did not start a cycle"
kill -TERM "$pid"
sleep 1  # not synchronisation: the process must still be there a second later
kill -0 "$pid" 2>/dev/null || fail "the first SIGTERM did not wait for the stalled work"
started=$(date +%s%N)
kill -TERM "$pid"
set +e; wait "$pid"; code=$?; set -e
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
((elapsed_ms < 5000)) || fail "a second SIGTERM took $elapsed_ms ms to stop the process"
echo "second SIGTERM: stopped after $elapsed_ms ms (exit $code)"

# 3. Started with Vibe down (nothing listens on its port), then Vibe comes up on that port; a
#    database of its own (the new Vibe knows none of the projects steps 1 and 2 recorded).
vibe_port=$(free_port)
HEALTH_PORT=$port SYNC_INTERVAL=300 HTTP_ATTEMPTS=1 VIBE_API_URL="http://127.0.0.1:$vibe_port/api" \
  DB_PATH="$work/step3.db" "$bin" run >"$work/run.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; stop_simulators' EXIT
wait_health "$port" "200 degraded *vibe*" 30 || fail "no degraded /health naming vibe while Vibe is down"
"$bin" simulate --vibe-port "$vibe_port" >"$work/vibe2.urls" 2>"$work/vibe2.log" &
vibe2=$!
trap 'kill "$pid" "$vibe2" 2>/dev/null; stop_simulators' EXIT
wait_health "$port" "200 healthy*" 60 || fail "/health did not recover once Vibe came up"
kill -TERM "$pid"
set +e; wait "$pid"; code=$?; set -e
[[ $code -eq 0 ]] || fail "stop after recovery exited $code"
echo "started with Vibe down: degraded naming vibe, healthy once Vibe came up, no restart"
