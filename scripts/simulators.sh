# Sourced, not run: starts `huly-vibe-sync simulate` in the background for the calling script,
# waits for its URLs, exports HULY_API_URL, VIBE_API_URL, LETTA_BASE_URL, HULY_EVENTS_URL (the
# simulated huly-change-watcher's stream), LETTA_PASSWORD (a
# local one unless set), DB_PATH and STACKS_DIR under a fresh work directory, and stops
# everything on exit.
#   start_simulators BINARY [simulate flags...]     (sets $work and $sim_pid)

work=$(mktemp -d)
sim_pid=""
stop_simulators() {
  [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap stop_simulators EXIT

start_simulators() {
  local bin=$1
  shift
  export LETTA_PASSWORD=${LETTA_PASSWORD:-local-simulator-password}  # the Letta simulator requires it
  "$bin" simulate "$@" >"$work/urls" 2>"$work/simulate.log" &
  sim_pid=$!
  local deadline=$((SECONDS + 60))  # by the clock: a busy machine may start it slowly
  until [[ $(grep -c '_URL=' "$work/urls" 2>/dev/null) -ge 4 ]]; do
    (( SECONDS < deadline )) && kill -0 "$sim_pid" 2>/dev/null || break  # late, or it exited
    sleep 0.1
  done
  HULY_API_URL=$(sed -n 's/^HULY_API_URL=//p' "$work/urls")
  VIBE_API_URL=$(sed -n 's/^VIBE_API_URL=//p' "$work/urls")
  LETTA_BASE_URL=$(sed -n 's/^LETTA_BASE_URL=//p' "$work/urls")
  HULY_EVENTS_URL=$(sed -n 's/^HULY_EVENTS_URL=//p' "$work/urls")
  [[ -n $HULY_API_URL && -n $VIBE_API_URL && -n $LETTA_BASE_URL && -n $HULY_EVENTS_URL ]] ||
    { cat "$work/simulate.log" >&2; return 1; }
  export HULY_API_URL VIBE_API_URL LETTA_BASE_URL HULY_EVENTS_URL DB_PATH="$work/sync-state.db" STACKS_DIR="$work/stacks"
  mkdir -p "$STACKS_DIR"
}

# A free TCP port on loopback, for the daemon's ops server.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_first_cycle PORT: waits by the clock (at most 60 s) until the daemon whose ops server listens
# on PORT has finished a cycle (/health shows last_cycle); exit 1 if it never does.
wait_first_cycle() {
  python3 - "$1" <<'PY'
import json, sys, time, urllib.request
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        health = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=2).read()
        if json.loads(health).get("last_cycle"):
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

# ops_get PORT PATH: the body of GET PATH from the daemon's ops server.
ops_get() {
  python3 -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=5).read())' "$1" "$2"
}
