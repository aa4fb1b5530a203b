#!/usr/bin/env bash
# Checks that deploy/.env.example lists exactly the settings the binary knows: every name
# `huly-vibe-sync --help` lists appears as "NAME=" or "# NAME=" (deliberately unset), and every
# such name in the file is one the binary knows.
#
# Usage: deploy/check-env-example.sh BINARY [ENV_EXAMPLE]
# Exit status: 0 all good, 1 a setting is missing or unknown, 2 usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=${1:?usage: check-env-example.sh BINARY [ENV_EXAMPLE]}
example=${2:-$here/.env.example}

# shellcheck source=known-settings.sh
source "$here/known-settings.sh"
known=$(known_settings "$binary")
[[ -n $known ]] || { echo "no settings in '$binary --help'" >&2; exit 2; }
listed=$(grep -oE '^(# )?[A-Z][A-Z_0-9]+=' "$example" | sed -E 's/^# //; s/=$//' | sort -u)

status=0
missing=$(comm -23 <(echo "$known") <(echo "$listed"))
unknown=$(comm -13 <(echo "$known") <(echo "$listed"))
if [[ -n $missing ]]; then echo "settings missing from $example:" $missing >&2; status=1; fi
if [[ -n $unknown ]]; then echo "names in $example the binary does not know:" $unknown >&2; status=1; fi
((status == 0)) && echo "$example lists the binary's $(echo "$known" | wc -l) settings"
exit $status
