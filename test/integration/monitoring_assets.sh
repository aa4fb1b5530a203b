#!/usr/bin/env bash
# The monitoring assets in deploy/monitoring/ against the service as it runs: the alert rules pass
# `promtool check rules`, a live /metrics scrape passes `promtool check metrics`, and every metric
# the rules and the Grafana dashboard query is one the service exports.
# Usage: monitoring_assets.sh BINARY
set -euo pipefail
bin=$1
assets="$(dirname "$0")/../../deploy/monitoring"
command -v promtool >/dev/null || { echo "FAIL: promtool missing (Debian package prometheus; scripts/install-deps.sh installs it)" >&2; exit 1; }
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

promtool check rules "$assets/alerts.yml" || fail "promtool check rules"

python3 - "$work/seed.json" <<'PY'
import json, sys
projects = [{"identifier": "MON", "name": "Monitored", "description": "",
             "issues": [{"title": "One", "status": "Todo"}, {"title": "Two", "status": "Done"}]}]
json.dump({"huly": {"projects": projects}}, open(sys.argv[1], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"
port=$(free_port)
LOG_LEVEL=warning HEALTH_PORT=$port SYNC_INTERVAL=600000 "$bin" run >"$work/run.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null; stop_simulators' EXIT

# Scrape once the first cycle has ended.
wait_first_cycle "$port" || { tail -20 "$work/run.log" >&2; fail "no /metrics after a cycle"; }
ops_get "$port" /metrics >"$work/metrics.txt"
promtool check metrics <"$work/metrics.txt" || fail "promtool check metrics: $(promtool check metrics <"$work/metrics.txt" 2>&1 | head -5)"

python3 - "$work/metrics.txt" "$assets/alerts.yml" "$assets/grafana-dashboard.json" <<'PY'
import json, re, sys
exported = set(re.findall(r"^# TYPE (\S+) ", open(sys.argv[1]).read(), re.M))
def families(text):
    names = set(re.findall(r"\bhvs_[a-z0-9_]+", text))
    return {re.sub(r"_(bucket|sum|count)$", "", n) if re.sub(r"_(bucket|sum|count)$", "", n) in exported else n
            for n in names}
queries = [t["expr"] for p in json.load(open(sys.argv[3]))["panels"] for t in p["targets"]]
used = families(open(sys.argv[2]).read()) | families("\n".join(queries))
missing = sorted(used - exported)
if missing:
    print("queried but not exported:", ", ".join(missing)); sys.exit(1)
print(f"monitoring assets: {len(used)} metric families queried by the rules and {len(queries)} dashboard queries, all exported")
PY
