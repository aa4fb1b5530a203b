#!/usr/bin/env bash
# Builds and runs every test: the Debug build, then the ASan+UBSan build. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests

for preset in dev asan; do
  echo "== ${preset}: configure and build"
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== ${preset}: built in $(( $(date +%s) - start )) s; running tests"
  ctest --preset "$preset"
done
