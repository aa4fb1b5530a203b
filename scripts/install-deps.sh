#!/usr/bin/env bash
# Installs what huly-vibe-sync needs to build and test, from Debian bookworm's packages only.
# Idempotent: does nothing when everything is present. Uses sudo only when not root.
# Usage: install-deps.sh [--tests]
# Never installs the unversioned libboost-dev (Boost 1.74), which conflicts with 1.81.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git unzip
  libboost1.81-dev libboost-json1.81-dev libboost-log1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libpq-dev libcli11-dev googletest openssl ca-certificates python3
)
# What only the tests use: `--tests` adds it (scripts/test.sh). promtool (package prometheus)
# checks deploy/monitoring/ and a live /metrics scrape; util-linux's flock holds a database lock;
# postgresql-15 is the real server the PostgreSQL store's tests start (initdb into a temporary
# directory); python3-yaml parses deploy/kubernetes/.
if [[ ${1:-} == --tests ]]; then
  packages+=(prometheus util-linux postgresql-15 python3-yaml)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
