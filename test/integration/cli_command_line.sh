#!/usr/bin/env bash
# The command line as CLI11 parses it: each command's help is generated and lists its own flags;
# `--wait` belongs to the commands that write; a flag that wants a value never takes the flag after
# it; an unknown command, flag or argument exits 2 with one line; the top help lists every command
# and every setting.
# Usage: cli_command_line.sh BINARY
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export DB_PATH=$work/state.db  # nothing below may create it

# help COMMAND... FLAG...: `COMMAND --help` exits 0 and lists each FLAG.
help_lists() {
  local words=() flags=()
  while [[ $# -gt 0 && $1 != -* ]]; do words+=("$1"); shift; done
  flags=("$@")
  [[ ${#flags[@]} -gt 0 ]] || flags=(-h,--help)
  local out status=0
  out=$("$bin" "${words[@]}" --help 2>&1) || status=$?
  [[ $status == 0 ]] || fail "${words[*]} --help exited $status: $out"
  for flag in "${flags[@]}"; do
    grep -qE -- "^  $flag( |\$)" <<<"$out" || fail "${words[*]} --help does not list $flag: $out"
  done
}
help_lists once --wait
help_lists run --wait
help_lists tools sync --force --project --wait
help_lists letta cleanup --apply --what --wait
help_lists repair duplicates --apply --project --wait
help_lists import-legacy --db --wait
help_lists migrate-store --from --wait
help_lists agents list --json
help_lists status --json
help_lists check --json
help_lists simulate --huly-port --vibe-port --letta-port --seed --latency-ms --huly-rate --huly-burst --vibe-rate \
  --vibe-burst --letta-rate --letta-burst --huly-generation --huly-clock-offset-ms --letta-profile \
  --letta-agent-quota --vibe-generation
help_lists completion bash

# usage_error WANTED ARGS...: exit 2, one line on stderr containing WANTED, nothing on stdout.
usage_error() {
  local wanted=$1; shift
  local status=0
  "$bin" "$@" >"$work/out" 2>"$work/err" || status=$?
  [[ $status == 2 ]] || fail "'$*' exited $status: $(cat "$work/err")"
  [[ $(wc -l <"$work/err") == 1 ]] || fail "'$*' printed more than one line: $(cat "$work/err")"
  [[ ! -s $work/out ]] || fail "'$*' printed on stdout: $(cat "$work/out")"
  grep -qF -- "$wanted" "$work/err" || fail "'$*' does not say '$wanted': $(cat "$work/err")"
}

# --wait only where the command writes.
for reader in status check "agents list" simulate "completion bash"; do
  # shellcheck disable=SC2086
  usage_error "not expected: --wait" $reader --wait
  "$bin" $reader --help | grep -q -- "--wait" && fail "$reader --help offers --wait"
done
usage_error "--wait: Value soon not in range 0 to 86400" once --wait=soon

# A flag that wants a value is never given the flag after it.
usage_error "missing value for --db-path (DB_PATH): expected a non-empty string" once --db-path --dry-run
usage_error "missing value for --project" repair duplicates --project --apply
usage_error "missing value for --what" letta cleanup --what --apply
usage_error "missing value for --from" migrate-store --from --dry-run
usage_error "missing value for --seed" simulate --seed --latency-ms 5
usage_error "missing value for --max-workers (MAX_WORKERS)" tools sync --max-workers
"$bin" once --db-path=--odd.db --help >/dev/null || fail "a value written --flag=--VALUE was refused"

# A secret given as a flag is refused whatever its value looks like, and never repeated.
usage_error "--letta-password is refused" once --letta-password --s3cret-looking-like-a-flag
grep -q "s3cret" "$work/err" && fail "the secret was repeated: $(cat "$work/err")"
usage_error "put the secret in a file named by DATABASE_URL_FILE" status --database-url=postgresql://u:s3cret@db/hvs
grep -q "s3cret" "$work/err" && fail "the secret was repeated: $(cat "$work/err")"

# Unknown commands, flags and arguments.
usage_error "unknown command 'synchronise'" synchronise
usage_error "not expected: --bogus" once --bogus
usage_error "not expected: --bogus" --bogus once
usage_error "not expected: extra" status extra
usage_error "not expected: --force" agents list --force  # tools sync's flag, not agents list's
usage_error "A subcommand is required" tools
usage_error "--what: expected folders, agents or all" letta cleanup --what=everything
usage_error "--huly-port: Value 70000 not in range 0 to 65535" simulate --huly-port 70000

# The top help: every command, every setting with its flag (secrets: refused, with NAME_FILE).
top=$("$bin" --help)
for command in run once simulate tools letta repair agents import-legacy migrate-store check status completion; do
  grep -qE "^  $command " <<<"$top" || fail "--help does not list $command"
done
grep -qE '^  MAX_WORKERS  --max-workers  \[default: 8\]$' <<<"$top" || fail "--help lacks MAX_WORKERS with its default"
grep -qE '^      .*; an integer from 1 to 1024$' <<<"$top" || fail "--help lacks MAX_WORKERS' range"
grep -qE '^  LETTA_PASSWORD  --letta-password refused \(ps shows it\): or LETTA_PASSWORD_FILE$' <<<"$top" ||
  fail "--help does not show the secret's flag as refused"
status=0
"$bin" >/dev/null 2>&1 || status=$?
[[ $status == 2 ]] || fail "no command exited $status"

[[ ! -e $DB_PATH ]] || fail "a refused command line created the database"
echo "command line: ok"
