#!/usr/bin/env bash
# Installs the dependencies, builds the release binary and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
bin=build/release/src/huly-vibe-sync

"$bin" --version
"$bin" check
