#!/usr/bin/env bash
# Installs the dependencies, builds the release binary and runs the main job: when no real
# upstream is configured (HULY_API_URL / VIBE_API_URL unset), a full sync against the bundled
# simulators seeded with deploy/demo-workspace.json, then a second, idle cycle.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
bin=$PWD/build/release/src/huly-vibe-sync
"$bin" --version

if [[ -n "${HULY_API_URL:-}" && -n "${VIBE_API_URL:-}" ]]; then
  exec "$bin" once
fi

work=$(mktemp -d)
sim_pid=""
cleanup() {
  [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" simulate --seed deploy/demo-workspace.json >"$work/urls" 2>"$work/simulate.log" &
sim_pid=$!
for _ in $(seq 1 100); do
  [[ $(grep -c '_URL=' "$work/urls" 2>/dev/null) -ge 3 ]] && break
  sleep 0.1
done
HULY_API_URL=$(sed -n 's/^HULY_API_URL=//p' "$work/urls")
VIBE_API_URL=$(sed -n 's/^VIBE_API_URL=//p' "$work/urls")
[[ -n $HULY_API_URL && -n $VIBE_API_URL ]] || { cat "$work/simulate.log" >&2; exit 1; }
export HULY_API_URL VIBE_API_URL DB_PATH="$work/sync-state.db" STACKS_DIR="$work/stacks"
mkdir -p "$STACKS_DIR"
echo "simulators: Huly $HULY_API_URL, Vibe $VIBE_API_URL"

echo "== first cycle (nothing synced yet)"
"$bin" once
echo "== second cycle (nothing changed: no writes expected)"
"$bin" once
