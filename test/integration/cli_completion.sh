#!/usr/bin/env bash
# `completion bash` prints a script generated from the command and settings tables: sourced in bash,
# it completes commands, each command's own flags and verb, the settings' flags and the values of
# settings with few of them, and never offers a secret's flag (refused: `ps` would show it).
# Usage: cli_completion.sh BINARY
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

script=$("$bin" completion bash)
bash -n <<<"$script" || fail "the script is not valid bash"
[[ $script != *--letta-password* && $script != *--api-token* ]] || fail "a secret's flag is offered"
# shellcheck disable=SC1090
source <(printf '%s\n' "$script")

# complete WORDS... : what the completion offers for the last word, on one line.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _huly_vibe_sync
  echo "${COMPREPLY[*]}"
}
expect() {  # expect WANTED WORDS...
  local wanted=$1; shift
  local got; got=$(complete_line "$@")
  [[ " $got " == *" $wanted "* ]] || fail "'$*' offers '$got', not $wanted"
}
expect once huly-vibe-sync on
expect completion huly-vibe-sync comp
expect migrate-store huly-vibe-sync migr
expect --from huly-vibe-sync migrate-store --fr
expect --force huly-vibe-sync tools --fo
expect sync huly-vibe-sync tools sy
expect --what huly-vibe-sync letta cleanup --wh
expect --huly-generation huly-vibe-sync simulate --huly-gen
expect --log-level huly-vibe-sync once --log-le
expect warning huly-vibe-sync once --log-level war
expect json huly-vibe-sync run --log-format j
expect --json huly-vibe-sync status --js
expect --log-level huly-vibe-sync once --dry-run --lo  # a true/false setting takes no value apart
[[ -z $(complete_line huly-vibe-sync agents --force) ]] || fail "agents offers tools' --force"

# What is not `completion bash` is a usage error.
status=0
"$bin" completion zsh >/dev/null 2>&1 || status=$?
[[ $status == 2 ]] || fail "completion zsh exited $status"
echo "completion: ok"
