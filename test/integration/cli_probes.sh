#!/usr/bin/env bash
# The daemon's probes as Kubernetes (or any supervisor) meets them, with the real binary:
#  1. /ready and /readyz answer 503 until the first cycle has finished (Huly answers its first
#     request 20 s late), then 200; /livez answers 200 from the start. The API is strict: an
#     unknown project is 404, a malformed query value 400.
#  2. SIGTERM while a cycle drains: /ready answers 503 "shutting down" while /livez still answers,
#     then the process exits 0.
#  3. Huly down: /livez 200 throughout, /ready 200 once the first (failed) cycle finished, /health
#     degraded naming Huly.
#  4. Letta refusing the password: /health shows Letta degraded, refusing the credentials.
# Usage: cli_probes.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
export LOG_LEVEL=warning SYNC_INTERVAL=600000 HEALTH_HOST=127.0.0.1

# probe PORT PATH [FIELD...] -> "<http status> <field values...>", or "down"
probe() {
  python3 - "$@" <<'PY'
import json, sys, urllib.request, urllib.error
port, path, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    r = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3); code = r.status; body = r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
except Exception:
    print("down"); sys.exit(0)
doc = json.loads(body)
def at(doc, dotted):
    for key in dotted.split("."):
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc
print(code, *[json.dumps(at(doc, f)) for f in fields])
PY
}
post_code() {  # PORT TARGET -> the status of POST TARGET
  python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", method="POST"), timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}
# Waits by the clock until `probe PORT PATH FIELDS...` matches PATTERN.
wait_probe() {  # SECONDS PATTERN PORT PATH [FIELD...]
  local seconds=$1 pattern=$2
  shift 2
  local deadline=$(($(date +%s) + seconds))
  while (($(date +%s) < deadline)); do
    [[ $(probe "$@") == $pattern ]] && return 0
    sleep 0.1
  done
  echo "FAIL: $2 never matched '$pattern' within $seconds s; last: $(probe "$@")" >&2
  return 1
}
fail() { echo "FAIL: $*" >&2; [[ -f $work/run.log ]] && tail -20 "$work/run.log" >&2; exit 1; }
fault() {  # URL_OF_THE_API ROUTE STALL_MS COUNT: that simulator answers COUNT requests STALL_MS late (0: none)
  python3 - "$@" <<'PY'
import json, sys, urllib.parse, urllib.request
url = urllib.parse.urlsplit(sys.argv[1])
admin = f"{url.scheme}://{url.netloc}/__admin/faults"
urllib.request.urlopen(urllib.request.Request(admin, method="DELETE"), timeout=5).read()
if int(sys.argv[4]) == 0:
    sys.exit(0)
body = json.dumps({"route": sys.argv[2], "kind": "stall", "stall_ms": int(sys.argv[3]), "count": int(sys.argv[4])}).encode()
urllib.request.urlopen(urllib.request.Request(admin, data=body, method="POST",
                                              headers={"Content-Type": "application/json"}), timeout=5).read()
PY
}
stop_daemon() {  # exit status of the daemon after SIGTERM
  kill -TERM "$pid"
  set +e; wait "$pid"; local code=$?; set -e
  return $code
}

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"P{p}", "name": f"Probe {p}", "description": "",
             "issues": [{"title": f"Issue {n}", "status": "Todo"} for n in range(3)]} for p in range(2)]
json.dump({"huly": {"projects": projects}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"
port=$(free_port)
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; stop_simulators' EXIT

# 1. The first cycle waits 20 s for Huly's first answer (long enough for a loaded machine to start the
#    daemon and ask /ready first; the request timeout is 30 s).
fault "$HULY_API_URL" "*" 20000 1
HEALTH_PORT=$port "$bin" run >"$work/run.log" 2>&1 &
pid=$!
wait_probe 20 "200 true" "$port" /livez live || fail "/livez did not answer"
ready=$(probe "$port" /ready ready reason)
readyz=$(probe "$port" /readyz ready)
# Asked after /ready: if no cycle had finished then, /ready's answer came before the first one ended.
[[ $(probe "$port" /health last_cycle) == "200 null" ]] || fail "the first cycle ended before /ready was asked"
[[ $ready == '503 false "the first sync cycle has not finished yet"' ]] || fail "/ready before the first cycle: $ready"
[[ $readyz == "503 false" ]] || fail "/readyz before the first cycle: $readyz"
wait_probe 60 "200 true" "$port" /ready ready || fail "/ready after the first cycle"
[[ $(probe "$port" /readyz ready) == "200 true" ]] || fail "/readyz after the first cycle"
[[ $(probe "$port" /health last_cycle.outcome) == '200 "ok"' ]] || fail "the first cycle: $(probe "$port" /health last_cycle)"
echo "readiness: 503 until the first cycle finished, 200 after; /livez 200 from the start"

# Strict API of the daemon: an unknown project is 404, a malformed value 400.
[[ $(post_code "$port" "/api/sync?project=NOPE") == 404 ]] || fail "POST /api/sync?project=NOPE was not 404"
[[ $(probe "$port" "/api/sync/history?limit=5abc") == 400 ]] || fail "history?limit=5abc was not 400"
[[ $(probe "$port" "/api/sync/history?limit=5") == 200 ]] || fail "history?limit=5 was not 200"

# 2. A second cycle stalls on Vibe; SIGTERM: it drains while /ready says 503 and /livez 200.
fault "$VIBE_API_URL" "*" 12000 100000  # each Vibe answer 12 s late: a drain long enough to probe
[[ $(post_code "$port" /api/sync) == 202 ]] || fail "POST /api/sync"
wait_probe 20 "200 true" "$port" /health cycle_running || fail "the second cycle did not start"
kill -TERM "$pid"
wait_probe 10 '503 false "shutting down: the last cycle is draining"' "$port" /ready ready reason ||
  fail "/ready during the drain"
[[ $(probe "$port" /livez live) == "200 true" ]] || fail "/livez during the drain"
[[ $(probe "$port" /health cycle_running) == "200 true" ]] || fail "the cycle was not draining any more"
set +e; wait "$pid"; code=$?; set -e
pid=""
[[ $code -eq 0 ]] || fail "SIGTERM during a cycle exited $code"
[[ $(probe "$port" /livez) == down ]] || fail "the ops server still answers after the exit"
echo "shutdown: /ready 503 while the last cycle drained, /livez 200, exit 0"

# 3. Huly down (nothing listens on its port).
fault "$VIBE_API_URL" "*" 0 0
HEALTH_PORT=$port HTTP_ATTEMPTS=1 HULY_API_URL="http://127.0.0.1:$(free_port)/api" DB_PATH="$work/step3.db" \
  "$bin" run >"$work/run.log" 2>&1 &
pid=$!
wait_probe 20 "200 true" "$port" /livez live || fail "/livez with Huly down"
wait_probe 30 "200 true" "$port" /ready ready || fail "/ready after a failed first cycle"
[[ $(probe "$port" /livez live) == "200 true" ]] || fail "/livez after the failed cycle"
huly=$(probe "$port" /health status upstreams.huly.status upstreams.huly.reason)
[[ $huly == '200 "degraded" "down" "'*'Connection refused'* ]] || fail "/health with Huly down: $huly"
stop_daemon || fail "stop with Huly down exited $?"
pid=""
echo "Huly down: /livez 200, /ready 200 after the failed first cycle, /health degraded with huly down"

# 4. Letta refuses the password the daemon was given.
HEALTH_PORT=$port LETTA_PASSWORD=not-the-password "$bin" run >"$work/run.log" 2>&1 &
pid=$!
wait_probe 30 "200 true" "$port" /ready ready || fail "/ready with Letta refusing"
letta=$(probe "$port" /health status upstreams.letta.status upstreams.letta.reason)
[[ $letta == '200 "degraded" "degraded" "refused the credentials: '* ]] || fail "/health with Letta refusing: $letta"
stop_daemon || fail "stop with Letta refusing exited $?"
pid=""
echo "Letta refusing the password: /health degraded, letta degraded: ${letta#200 }"
