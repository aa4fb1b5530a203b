#!/usr/bin/env bash
# Huly's change feed end to end with the real binary: `simulate` also serves huly-change-watcher
# (HULY_EVENTS_URL, polling the Huly simulator); `run` polls only every hour (SYNC_INTERVAL), so a
# title edited in Huly reaches Vibe through the feed or not at all:
#  1. the watcher's stream (HULY_EVENTS_URL);
#  2. its webhooks (HULY_WEBHOOK_URL, API_TOKEN set: the subscription carries ?token=, never logged).
# Each time the cycle that wrote the title is a changed projects' cycle (one project of two), and no
# full poll ran between the edit and the write (GET /api/sync/history).
# Usage: cli_huly_feed.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
export LOG_LEVEL=info SYNC_INTERVAL=3600000 VIBE_EVENTS=false HEALTH_HOST=127.0.0.1
export PYTHONPATH="$(dirname "$0")/../../scripts"
fail() { echo "FAIL: $*" >&2; [[ -f $work/run.log ]] && tail -30 "$work/run.log" >&2; exit 1; }

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": f"F{p}", "name": f"Feed {p}", "description": "",
             "issues": [{"title": f"Issue {n}", "status": "Todo"} for n in range(3)]} for p in range(2)]
json.dump({"huly": {"projects": projects}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json" --watcher-poll-ms 200
[[ $HULY_EVENTS_URL == http://127.0.0.1:*/events ]] || fail "simulate printed HULY_EVENTS_URL=$HULY_EVENTS_URL"
watcher=${HULY_EVENTS_URL%/events}

# scenario PORT TITLE: once the feed is in place (the watcher lists the subscriber or streams to
# it), a full poll is triggered to take up the feed's start-up resync; then the title of F0-1 is
# edited in Huly and must reach Vibe by a changed projects' cycle, with no full poll in between.
scenario() {
  python3 - "$1" "$2" "$watcher" "${API_TOKEN:-}" "${HULY_WEBHOOK_URL:-}" <<'PY'
import json, os, sys, time, urllib.request
import sim_state
port, title, watcher, token, webhook = sys.argv[1:6]
ops = f"http://127.0.0.1:{port}"
auth = {"Authorization": f"Bearer {token}"} if token else {}

def get(url):
    with urllib.request.urlopen(urllib.request.Request(url, headers=auth), timeout=5) as r:
        return json.loads(r.read())

def until(what, check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"FAIL: {what} within {seconds} s")

def history():
    return get(f"{ops}/api/sync/history?limit=1000")

def fed():
    if webhook:
        return any(u.startswith(webhook) for u in get(f"{watcher}/subscribers")["webhookSubscribers"])
    return get(f"{watcher}/stats")["sseSubscriberCount"] >= 1

until("a first cycle", lambda: len(history()) >= 1)
until("the watcher feeding the service", fed)
before = len(history())
req = urllib.request.Request(f"{ops}/api/sync", method="POST", headers=auth)
queued = json.loads(urllib.request.urlopen(req, timeout=5).read())["queued"]
until("the triggered full poll", lambda: len(history()) >= before + (2 if queued else 1)
      and not get(f"{ops}/health")["cycle_running"])
settled = len(history())

body = json.dumps({"title": title}).encode()
urllib.request.urlopen(urllib.request.Request(os.environ["HULY_API_URL"] + "/issues/F0-1", data=body,
                                              method="PATCH", headers={"Content-Type": "application/json"}),
                       timeout=5).read()
edited = time.monotonic()

def vibe_title():
    tasks = sim_state.tasks_by_issue(sim_state.state(os.environ["VIBE_API_URL"]))["F0-1"]
    return [t["title"] for t in tasks]
until(f"'{title}' reaching Vibe", lambda: vibe_title() == [title], 30)
took = time.monotonic() - edited
until("the cycle's record", lambda: not get(f"{ops}/health")["cycle_running"])
recorded = history()  # newest first
since = recorded[: len(recorded) - settled]
writers = [c for c in since if c["tasks_updated"] >= 1]
if len(writers) != 1 or writers[0]["projects_ok"] != 1:
    sys.exit(f"FAIL: the title was not written by one changed projects' cycle: {since}")
full = [c for c in since if c["projects_ok"] + c["projects_failed"] > 1]
if full:
    sys.exit(f"FAIL: full polls ran between the edit and the write: {full}")
print(f"'{title}' reached Vibe {took:.1f} s after the edit, in a changed projects' cycle ({len(since)} cycle(s) since)")
PY
}

run_daemon() {  # PORT: starts `run` with its ops server on PORT (sets $pid)
  HEALTH_PORT=$1 "$bin" run >"$work/run.log" 2>&1 &
  pid=$!
}
stop_daemon() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || fail "run exited $? after SIGTERM"
}

# 1. The stream.
port=$(free_port)
run_daemon "$port"
scenario "$port" "Edited in Huly, streamed" || fail "through the watcher's stream"
stop_daemon

# 2. Webhooks, with a token.
export API_TOKEN="feed-token-never-logged-5e1"
port=$(free_port)
export HULY_WEBHOOK_URL="http://127.0.0.1:$port/api/webhooks/huly" HULY_WEBHOOK_CHECK=500
run_daemon "$port"
scenario "$port" "Edited in Huly, delivered" || fail "through the watcher's webhooks"
grep -q "subscribed http://127.0.0.1:$port/api/webhooks/huly" "$work/run.log" || fail "no 'subscribed' line"
refused=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"events":[]}' \
  "http://127.0.0.1:$port/api/webhooks/huly?token=not-$API_TOKEN")
[[ $refused == 401 ]] || fail "a wrong ?token= was answered $refused"
stop_daemon
if grep -q "$API_TOKEN" "$work/run.log"; then fail "the token reached the log"; fi
echo "PASS"
