# shellcheck shell=bash
# Sourced, not run: known_settings BINARY prints, one a line and sorted, every setting name
# `BINARY --help` lists, and with --file-forms also the NAME_FILE form of each secret (the help
# text says "or NAME_FILE naming a file that holds it"). Used by check-env-example.sh and
# check-kubernetes.sh.
known_settings() {
  local settings
  settings=$("$1" --help | sed -n '/^Settings/,$p')
  {
    grep -oE '^  [A-Z][A-Z_0-9]+  --' <<<"$settings" | awk '{print $1}'
    if [[ ${2:-} == --file-forms ]]; then
      grep -oE '\bor [A-Z][A-Z_0-9]+_FILE\b' <<<"$settings" | awk '{print $2}'
    fi
  } | sort -u
}
