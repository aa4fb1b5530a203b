#!/usr/bin/env bash
# Checks deploy/kubernetes against the binary it deploys:
#  1. every YAML document under deploy/kubernetes parses (and, when kubectl is installed, each
#     kustomization builds);
#  2. every environment name the manifests set (ConfigMap keys, taken with envFrom, and env[].name)
#     is a setting `BINARY --help` lists, or the NAME_FILE form of a secret one;
#  3. the probes are real: the binary runs with the base's environment (ConfigMap, env, the Secret
#     as files) against the bundled simulators, HEALTH_PORT replaced by a free port, and each probe
#     path answers 200 after the first cycle, which ends ok; SIGTERM then stops it with exit 0;
#  4. the base's shape: replicas >= 2, a PodDisruptionBudget, the Secret referenced and holding
#     only placeholders, every probe, the Service and the scrape annotation on the ConfigMap's
#     HEALTH_PORT.
# Needs /usr/bin/python3 with PyYAML (Debian python3-yaml).
#
# Usage: [HVS_TEST_DATABASE_URL=postgresql://…] deploy/check-kubernetes.sh BINARY
# Exit status: 0 all good, 1 a check failed, 2 usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=${1:?usage: check-kubernetes.sh BINARY}
manifests=$here/kubernetes
base=$manifests/base
inspect() { /usr/bin/python3 "$here/kubernetes-manifests.py" "$@"; }
fail() { echo "FAIL: $*" >&2; [[ -f ${work:-}/run.log ]] && tail -20 "$work/run.log" >&2; exit 1; }

# 1. Every document parses; every kustomization builds.
inspect parse "$manifests" || fail "a manifest does not parse"
if command -v kubectl >/dev/null; then
  while read -r kustomization; do
    dir=$(dirname "$kustomization")
    kubectl kustomize "$dir" >/dev/null || fail "kubectl kustomize ${dir#"$here"/} does not build"
  done < <(find "$manifests" -name kustomization.yaml)
  echo "every kustomization builds (kubectl kustomize)"
fi

# 2. Every name set is one the binary knows.
# shellcheck source=known-settings.sh
source "$here/known-settings.sh"
known=$(known_settings "$binary" --file-forms)
[[ -n $known ]] || { echo "no settings in '$binary --help'" >&2; exit 2; }
names=$(inspect names "$manifests") || fail "the manifests' environment names could not be read"
unknown=$(comm -13 <(echo "$known") <(echo "$names" | sort -u))
[[ -z $unknown ]] || fail "names in deploy/kubernetes the binary does not know:" $unknown
echo "the manifests set $(echo "$names" | wc -l) names, all known to the binary"

# 4. (before the run: it names what the run relies on) The base's shape.
inspect structure "$base" || fail "the base manifests' shape"

# 3. The probes answer on a daemon run with the base's environment.
# shellcheck source=../scripts/simulators.sh
source "$here/../scripts/simulators.sh"
start_simulators "$binary" --seed "$here/demo-workspace.json"
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; stop_simulators' EXIT
# The Secret as the pod sees it: one file per key. The Letta simulator's password; DATABASE_URL
# the PostgreSQL of HVS_TEST_DATABASE_URL when given, else empty (unset: SQLite in the work
# directory); the rest as the template has them.
install -d -m 0700 "$work/secrets"
while read -r key; do
  case $key in
    LETTA_PASSWORD) printf '%s' "$LETTA_PASSWORD" ;;
    DATABASE_URL) printf '%s' "${HVS_TEST_DATABASE_URL:-}" ;;
    *) printf 'REPLACE-ME' ;;
  esac >"$work/secrets/$key"
done < <(inspect secret-keys "$base")
mapfile -d '' environment < <(inspect env "$base" "$work/secrets")
((${#environment[@]} > 0)) || fail "the Deployment gives the container no environment"
port=$(free_port)
# The pod has no writable /data (DB_PATH): on PostgreSQL the run must not need one, so DB_PATH is
# then a path whose directory does not exist.
db_path=$DB_PATH
[[ -n ${HVS_TEST_DATABASE_URL:-} ]] && db_path=$work/absent/sync-state.db
# Only the manifests' environment, then what points at this machine instead of a cluster.
env -i PATH="$PATH" HOME="$work" "${environment[@]}" \
  HULY_API_URL="$HULY_API_URL" VIBE_API_URL="$VIBE_API_URL" LETTA_BASE_URL="$LETTA_BASE_URL" \
  STACKS_DIR="$STACKS_DIR" DB_PATH="$db_path" HEALTH_PORT="$port" \
  "$binary" run >"$work/run.log" 2>&1 &
pid=$!
wait_first_cycle "$port" || fail "no first cycle within 60 s with the manifests' settings"
# ok: the upstreams, Letta included, accepted what the manifests gave (the password from its file).
outcome=$(ops_get "$port" /health | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["last_cycle"]["outcome"])')
[[ $outcome == ok ]] || fail "the first cycle with the manifests' settings ended $outcome, not ok"
status_of() {  # PORT PATH -> the HTTP status of GET PATH, or "down"
  /usr/bin/python3 - "$@" <<'PY'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("down")
PY
}
probes=$(inspect probes "$base")
[[ -n $probes ]] || fail "the Deployment has no probes"
for path in $probes; do
  code=$(status_of "$port" "$path")
  [[ $code == 200 ]] || fail "probe path $path answered $code after the first cycle, not 200"
done
kill -TERM "$pid"
set +e; wait "$pid"; code=$?; set -e
pid=""
[[ $code -eq 0 ]] || fail "SIGTERM stopped the daemon with exit status $code, not 0"
echo "probes" $probes "answer 200 after the first cycle with the manifests' settings; SIGTERM exits 0"
