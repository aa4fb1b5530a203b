# Sourced, not run: starts `huly-vibe-sync simulate` in the background for the calling script,
# waits for its URLs, exports HULY_API_URL, VIBE_API_URL, LETTA_BASE_URL, LETTA_PASSWORD (a
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
  until [[ $(grep -c '_URL=' "$work/urls" 2>/dev/null) -ge 3 ]]; do
    (( SECONDS < deadline )) && kill -0 "$sim_pid" 2>/dev/null || break  # late, or it exited
    sleep 0.1
  done
  HULY_API_URL=$(sed -n 's/^HULY_API_URL=//p' "$work/urls")
  VIBE_API_URL=$(sed -n 's/^VIBE_API_URL=//p' "$work/urls")
  LETTA_BASE_URL=$(sed -n 's/^LETTA_BASE_URL=//p' "$work/urls")
  [[ -n $HULY_API_URL && -n $VIBE_API_URL && -n $LETTA_BASE_URL ]] || { cat "$work/simulate.log" >&2; return 1; }
  export HULY_API_URL VIBE_API_URL LETTA_BASE_URL DB_PATH="$work/sync-state.db" STACKS_DIR="$work/stacks"
  mkdir -p "$STACKS_DIR"
}
