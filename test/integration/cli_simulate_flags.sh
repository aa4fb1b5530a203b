#!/usr/bin/env bash
# `simulate`'s own flags reach the simulators although the client settings HULY_RATE, HULY_BURST…
# share their names: with --huly-rate 1 --huly-burst 1 (and the same for Vibe and Letta) five
# quick GETs meet 429s. A flag is never taken as the value of the flag before it.
# Usage: cli_simulate_flags.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --huly-port without its value: an error naming the flag, not a port called "--latency-ms".
status=0
out=$("$bin" simulate --huly-port --latency-ms 5 2>&1) || status=$?
[[ $status == 2 ]] || fail "simulate --huly-port --latency-ms 5 exited $status: $out"
[[ $out == *"missing value for --huly-port"* ]] || fail "the message does not name --huly-port: $out"

start_simulators "$bin" --huly-rate 1 --huly-burst 1 --vibe-rate=1 --vibe-burst 1 --letta-rate 1 --letta-burst=1

# Five GETs from one curl process, one after the other: at 1 request per second with a burst of
# 1, at most one more than the first can be admitted unless they take four seconds.
statuses() {
  local each=()
  for _ in 1 2 3 4 5; do each+=(-o /dev/null "$1"); done
  curl -s -w '%{http_code} ' -H "Authorization: Bearer $LETTA_PASSWORD" "${each[@]}"
}
for url in "$HULY_API_URL/projects" "$VIBE_API_URL/projects" "$LETTA_BASE_URL/agents/"; do
  answers=$(statuses "$url")
  [[ $answers == *429* ]] || fail "five quick GETs of $url were all admitted: $answers"
  echo "$url: $answers"
done
