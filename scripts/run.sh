#!/usr/bin/env bash
# Installs the dependencies, builds the release binary and runs the main job: when no real
# upstream is configured (HULY_API_URL / VIBE_API_URL unset), a full sync (issues, tasks and one
# Letta PM agent per project) against the bundled simulators seeded with
# deploy/demo-workspace.json, then a second, idle cycle, the agents' tool drift and a dry run of
# the tool sync.
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

# shellcheck source=scripts/simulators.sh
source scripts/simulators.sh
start_simulators "$bin" --seed deploy/demo-workspace.json
echo "simulators: Huly $HULY_API_URL (watcher $HULY_EVENTS_URL), Vibe $VIBE_API_URL, Letta $LETTA_BASE_URL"

echo "== first cycle (nothing synced yet)"
"$bin" once
echo "== second cycle (nothing changed: no task or issue written; each agent's change_log drops \"first sync\")"
"$bin" once
echo "== PM agents and their tool drift"
"$bin" agents list
echo "== PM agents' tools against the control agent's (dry run)"
"$bin" tools sync --dry-run
