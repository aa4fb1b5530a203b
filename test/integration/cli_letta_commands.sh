#!/usr/bin/env bash
# The Letta commands end to end, as an operator runs them: the binary against the simulators
# after a cycle has bound one PM agent per project.
# - tools sync: a tool added to the control agent reaches every bound agent (dry run first:
#   nothing changes), force detaches an extra tool from one project's agent only, a failed attach
#   exits 1, an unreachable Letta is a clear error.
# - agents list (table and --json): the bindings and their drift, block drift included: a block and
#   the scratchpad deleted in Letta are shown missing, and the next cycle restores both.
# - letta cleanup: the dry run deletes nothing; --apply deletes exactly this service's stale
#   folder and the unbound duplicate agent; a failing delete exits 1; a bad --what exits 2.
# Usage: cli_letta_commands.sh BINARY
set -euo pipefail
bin=$1
# shellcheck source=../../scripts/simulators.sh
source "$(dirname "$0")/../../scripts/simulators.sh"

python3 - "$(dirname "$0")/../../deploy/demo-workspace.json" "$work/seed.json" <<'PY'
import json, sys
seed = json.load(open(sys.argv[1]))
seed["letta"]["tools"] += [{"name": "release_notes"}, {"name": "stray_tool"}, {"name": "third_tool"}]
seed["letta"]["folders"] = [{"name": "Huly-OLD", "files": [{"name": "README.md", "content": "old"}]},
                            {"name": "Team-docs", "files": [{"name": "notes.md", "content": "keep"}]}]
json.dump(seed, open(sys.argv[2], "w"))
PY
start_simulators "$bin" --seed "$work/seed.json"
export LOG_LEVEL=error
"$bin" once >"$work/once.log" 2>&1 || { cat "$work/once.log"; exit 1; }

# Letta's API, as a person at the Letta UI would use it.
letta() {
  python3 - "$LETTA_BASE_URL" "$LETTA_PASSWORD" "$@" <<'PY'
import json, sys, urllib.request
base, password, action = sys.argv[1], sys.argv[2], sys.argv[3]
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + password, "User-Agent": "cli-test", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")
def agent(name):
    return [a for a in call("GET", "/agents/?limit=1000") if a["name"] == name][0]
def tool(name):
    return [t for t in call("GET", "/tools/?limit=1000") if t["name"] == name][0]
if action == "attach":      # attach AGENT TOOL
    call("PATCH", f"/agents/{agent(sys.argv[4])['id']}/tools/attach/{tool(sys.argv[5])['id']}")
elif action == "tools":     # tools AGENT -> sorted names
    print(" ".join(sorted(t["name"] for t in call("GET", f"/agents/{agent(sys.argv[4])['id']}/tools?limit=1000"))))
elif action == "fail":        # fail ROUTE COUNT: the next COUNT requests of ROUTE answer 500
    root = base[:-len("/v1")]
    req = urllib.request.Request(root + "/__admin/faults", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"route": sys.argv[4], "kind": "error", "count": int(sys.argv[5])}).encode())
    urllib.request.urlopen(req, timeout=5).read()
elif action == "duplicate":   # duplicate PROJECT NAME: another agent tagged for the project
    call("POST", "/agents/", {"name": sys.argv[5], "model": "anthropic/sonnet-4-5", "embedding": "letta/letta-free",
                              "tags": ["huly-vibe-sync", "project:" + sys.argv[4]]})
elif action == "delete-block":  # delete-block AGENT LABEL: the block deleted in Letta
    block = call("GET", f"/agents/{agent(sys.argv[4])['id']}/core-memory/blocks/{sys.argv[5]}")
    call("DELETE", f"/blocks/{block['id']}")
elif action == "names":       # names: every folder and agent name, sorted
    print("\n".join(sorted([f["name"] for f in call("GET", "/folders/?limit=1000")] +
                           [a["name"] for a in call("GET", "/agents/?limit=1000")])))
PY
}
fail() { echo "FAIL: $*" >&2; exit 1; }
has_tool() { [[ " $(letta tools "$1") " == *" $2 "* ]]; }

agents=("Huly - Web Storefront" "Huly - Operations" "Huly - Documentation")
letta attach Huly-PM-Control release_notes
letta attach "Huly - Web Storefront" stray_tool

out=$("$bin" tools sync --dry-run 2>&1) || fail "dry run exited $?: $out"
[[ $out == *"3 PM agents (from the database)"* ]] || fail "dry run did not plan the three bound agents: $out"
for a in "${agents[@]}"; do has_tool "$a" release_notes && fail "dry run attached to $a"; done

out=$("$bin" tools sync 2>&1) || fail "tools sync exited $?: $out"
[[ $out == *"attached 3, detached 0, skipped"*"errors 0"* ]] || fail "unexpected summary: $out"
for a in "${agents[@]}"; do has_tool "$a" release_notes || fail "$a lacks release_notes"; done
has_tool "Huly - Web Storefront" stray_tool || fail "additive mode detached stray_tool"

out=$("$bin" tools sync 2>&1) || fail "second tools sync exited $?: $out"
[[ $out == *"attached 0, detached 0"* ]] || fail "second run was not idle: $out"

out=$("$bin" tools sync --force --project OPS 2>&1) || fail "force for OPS exited $?: $out"
has_tool "Huly - Web Storefront" stray_tool || fail "force for OPS touched the WEB agent"
out=$("$bin" tools sync --force --project WEB 2>&1) || fail "force for WEB exited $?: $out"
[[ $out == *"detached 1"* ]] || fail "force did not detach stray_tool: $out"
has_tool "Huly - Web Storefront" stray_tool && fail "stray_tool survived force"
has_tool "Huly - Web Storefront" conversation_search || fail "force detached a Letta-managed tool"

letta attach Huly-PM-Control third_tool
letta fail "PATCH /v1/agents/{agent_id}/tools/attach/{tool_id}" 1
set +e
out=$(HTTP_ATTEMPTS=1 "$bin" tools sync 2>&1)
code=$?
set -e
[[ $code -eq 1 ]] || fail "a failed attach exited $code, not 1: $out"
[[ $out == *"errors 1"* ]] || fail "the failed attach was not counted: $out"

set +e
out=$(LETTA_BASE_URL=http://127.0.0.1:9/v1 HTTP_ATTEMPTS=1 "$bin" tools sync 2>&1)
code=$?
set -e
[[ $code -eq 1 ]] || fail "unreachable Letta exited $code, not 1: $out"
[[ $out == *"control agent"* ]] || fail "unreachable Letta gave no clear error: $out"
[[ $out != *"$LETTA_PASSWORD"* ]] || fail "the password appeared in the output"
echo "tools sync: dry run, additive, idle, force per project, failure exit 1, unreachable Letta: ok"

out=$("$bin" agents list --json 2>&1) || fail "agents list exited $?: $out"
python3 - "$out" <<'PY' || fail "agents list --json: $out"
import json, sys
doc = json.loads(sys.argv[1])
agents = doc["agents"] if isinstance(doc, dict) else doc
assert sorted(a["project"] for a in agents) == ["DOCS", "OPS", "WEB"], agents
assert all(a["missing_blocks"] == [] for a in agents), agents
PY

letta delete-block "Huly - Operations" hotspots
letta delete-block "Huly - Operations" scratchpad
out=$("$bin" agents list 2>&1) || fail "agents list exited $?: $out"
[[ $out == *"MISSING BLOCKS"* ]] || fail "the table has no MISSING BLOCKS column: $out"
grep -E "^OPS .*hotspots,scratchpad +drift" <<<"$out" >/dev/null || fail "OPS does not show its missing blocks: $out"
out=$("$bin" agents list --json 2>&1) || fail "agents list --json exited $?: $out"
python3 - "$out" <<'PY' || fail "agents list --json block drift: $out"
import json, sys
agents = {a["project"]: a for a in json.loads(sys.argv[1])["agents"]}
assert agents["OPS"]["missing_blocks"] == ["hotspots", "scratchpad"], agents["OPS"]
assert agents["OPS"]["scratchpad_missing"] is True and agents["OPS"]["status"] == "drift", agents["OPS"]
assert agents["DOCS"]["missing_blocks"] == [] and agents["DOCS"]["scratchpad_missing"] is False, agents["DOCS"]
PY
"$bin" once >"$work/once.log" 2>&1 || { cat "$work/once.log"; fail "the cycle restoring the blocks failed"; }
out=$("$bin" agents list --json 2>&1) || fail "agents list --json exited $?: $out"
python3 - "$out" <<'PY' || fail "the cycle did not restore the blocks: $out"
import json, sys
agents = {a["project"]: a for a in json.loads(sys.argv[1])["agents"]}
assert agents["OPS"]["missing_blocks"] == [] and agents["OPS"]["status"] == "ok", agents["OPS"]
PY
echo "agents list: ok (block drift shown, restored by the next cycle)"

letta duplicate WEB "Huly - Web Storefront"
before=$(letta names)
out=$("$bin" letta cleanup 2>&1) || fail "cleanup dry run exited $?: $out"
[[ $(letta names) == "$before" ]] || fail "the dry run deleted something"
[[ $out == *Huly-OLD* ]] || fail "the dry run does not name Huly-OLD: $out"

set +e
out=$("$bin" letta cleanup --what bogus 2>&1)
code=$?
set -e
[[ $code -eq 2 ]] || fail "--what bogus exited $code, not 2: $out"

out=$("$bin" letta cleanup --apply 2>&1) || fail "cleanup --apply exited $?: $out"
after=$(letta names)
[[ $after != *Huly-OLD* ]] || fail "Huly-OLD survived --apply"
[[ $after == *Team-docs* ]] || fail "cleanup deleted a folder it does not own"
[[ $(grep -c "^Huly - Web Storefront$" <<<"$after") -eq 1 ]] || fail "the duplicate WEB agent survived: $after"
for name in Huly-PM-Control "Huly - Operations" "Huly - Documentation"; do
  grep -qx "$name" <<<"$after" || fail "cleanup deleted $name"
done
out=$("$bin" once 2>&1) || fail "the cycle after cleanup failed: $out"

letta duplicate OPS "Huly - Operations"
letta fail "DELETE /v1/agents/{agent_id}" 100
set +e
out=$(HTTP_ATTEMPTS=1 "$bin" letta cleanup --apply --what agents 2>&1)
code=$?
set -e
[[ $code -eq 1 ]] || fail "a failing delete exited $code, not 1: $out"
echo "letta cleanup: dry run, apply, ownership, bad --what exit 2, failing delete exit 1: ok"
