#!/usr/bin/env bash
# Checks that the runtime stage of deploy/Dockerfile installs exactly the Debian packages a built
# huly-vibe-sync needs: every shared library `ldd` resolves is mapped to its package with
# `dpkg -S`, and each package must appear in the runtime stage's `apt-get install` line, except
# those the base image already has and those a listed package depends on (apt installs them). Packages on that line that the binary does not need are
# reported too, except the allowed extras (ca-certificates; the healthcheck needs nothing: it
# uses bash, which every Debian image has).
#
# Usage: deploy/check-runtime-deps.sh [BINARY [DOCKERFILE]]
#   BINARY      default build/release/src/huly-vibe-sync (relative to the repository root)
#   DOCKERFILE  default deploy/Dockerfile
# Run it on Debian bookworm (the image's base) with the binary's libraries installed.
# Exit status: 0 all good, 1 a package is missing or superfluous, 2 usage or environment error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
binary=${1:-$root/build/release/src/huly-vibe-sync}
dockerfile=${2:-$here/Dockerfile}

# In debian:bookworm-slim already.
base_packages=(libc6 libgcc-s1 libstdc++6)
# Installed on purpose although no library of the binary comes from them.
allowed_extras=(ca-certificates git)  # git: LETTA_UPLOAD_PROJECT_FILES runs `git ls-files`

die() {
  echo "check-runtime-deps: $*" >&2
  exit 2
}

[[ -f $binary && -x $binary ]] || die "no executable binary at '$binary' (build it, or pass its path)"
[[ -f $dockerfile ]] || die "no Dockerfile at '$dockerfile'"
for tool in ldd dpkg-query awk; do
  command -v "$tool" >/dev/null || die "'$tool' is required (run this on Debian)"
done

contains() {
  local needle=$1
  shift
  local item
  for item in "$@"; do
    [[ $item == "$needle" ]] && return 0
  done
  return 1
}

# The package that owns a file, trying the paths merged-/usr systems may know it by.
owner_of() {
  local path=$1 candidates=() c out
  candidates+=("$path")
  candidates+=("$(readlink -f "$(dirname "$path")")/$(basename "$path")")
  candidates+=("$(readlink -f "$path")")
  for c in "${candidates[@]}"; do
    case $c in
      /usr/*) candidates+=("${c#/usr}") ;;
      *) candidates+=("/usr$c") ;;
    esac
  done
  for c in "${candidates[@]}"; do
    if out=$(dpkg-query -S "$c" 2>/dev/null); then
      # "pkg:arch: /path" or "pkg1, pkg2: /path"; skip "diversion by ..." lines.
      out=$(grep -v '^diversion' <<<"$out" | head -n 1)
      out=${out%%: /*}
      out=${out%%,*}
      echo "${out%%:*}"
      return 0
    fi
  done
  return 1
}

# Packages named by `apt-get install` in the last stage of the Dockerfile (continuation lines
# joined; options and shell operators dropped).
runtime_install_packages() {
  awk '
    /^[[:space:]]*FROM[[:space:]]/ { stage = "" ; next }
    { line = $0; sub(/[[:space:]]*#.*$/, "", line) }
    line ~ /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, " ", line); stage = stage line; next }
    { stage = stage line "\n" }
    END { printf "%s", stage }
  ' "$dockerfile" | awk '
    /apt-get[[:space:]]+install/ {
      sub(/.*apt-get[[:space:]]+install/, "")
      n = split($0, words, /[[:space:]]+/)
      for (i = 1; i <= n; i++) {
        w = words[i]
        if (w == "&&" || w == ";" || w == "|" || w == "||") break
        if (w == "" || w ~ /^-/) continue
        print w
      }
    }
  ' | sort -u
}

mapfile -t installed < <(runtime_install_packages)
((${#installed[@]} > 0)) || die "no 'apt-get install' found in the last stage of $dockerfile"

# What apt brings along with those packages: their Depends and Pre-Depends, recursively, as this
# machine's dpkg records them (libpq5 brings Kerberos and LDAP, whose libraries the binary loads).
pulled_in=()
queue=("${installed[@]}")
while ((${#queue[@]} > 0)); do
  pkg=${queue[0]}
  queue=("${queue[@]:1}")
  deps=$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$pkg" 2>/dev/null) || continue
  while IFS= read -r dep; do
    dep=${dep%%[ (:]*}
    [[ -z $dep ]] && continue
    contains "$dep" "${pulled_in[@]+"${pulled_in[@]}"}" "${installed[@]}" && continue
    pulled_in+=("$dep")
    queue+=("$dep")
  done < <(tr ',|' '\n\n' <<<"$deps" | sed 's/^ *//')
done

ldd_out=$(ldd "$binary" 2>&1) || die "ldd failed on '$binary': $ldd_out"

needed=()
missing=()
unresolved=()
rows=()
while IFS= read -r line; do
  lib="" path=""
  if [[ $line =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]+=\>[[:space:]]+not[[:space:]]+found ]]; then
    unresolved+=("${BASH_REMATCH[1]}")
    continue
  elif [[ $line =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]+=\>[[:space:]]+(/[^[:space:]]+) ]]; then
    lib=${BASH_REMATCH[1]} path=${BASH_REMATCH[2]}
  elif [[ $line =~ ^[[:space:]]*(/[^[:space:]]+)[[:space:]]+\( ]]; then
    path=${BASH_REMATCH[1]} lib=$(basename "$path")
  else
    continue  # linux-vdso and other lines without a file
  fi
  if ! pkg=$(owner_of "$path"); then
    unresolved+=("$lib ($path: no package owns it)")
    continue
  fi
  if contains "$pkg" "${base_packages[@]}"; then
    state="base image"
  elif contains "$pkg" "${installed[@]}"; then
    state="installed"
  elif contains "$pkg" "${pulled_in[@]+"${pulled_in[@]}"}"; then
    state="dependency"
  else
    state="MISSING"
    contains "$pkg" "${missing[@]+"${missing[@]}"}" || missing+=("$pkg")
  fi
  contains "$pkg" "${needed[@]+"${needed[@]}"}" || needed+=("$pkg")
  rows+=("$lib|$path|$pkg|$state")
done <<<"$ldd_out"

superfluous=()
for pkg in "${installed[@]}"; do
  contains "$pkg" "${needed[@]+"${needed[@]}"}" && continue
  contains "$pkg" "${allowed_extras[@]}" && continue
  superfluous+=("$pkg")
done

echo "binary:     $binary"
echo "dockerfile: $dockerfile (runtime apt-get install: ${installed[*]})"
echo
{
  echo "LIBRARY|RESOLVED PATH|PACKAGE|IN IMAGE"
  printf '%s\n' "${rows[@]+"${rows[@]}"}"
  for pkg in "${installed[@]}"; do
    contains "$pkg" "${needed[@]+"${needed[@]}"}" && continue
    if contains "$pkg" "${allowed_extras[@]}"; then
      echo "-|-|$pkg|installed (allowed extra)"
    else
      echo "-|-|$pkg|NOT NEEDED"
    fi
  done
} | awk -F'|' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > width[i]) width[i] = length($i) } rows = NR }
  END { for (r = 1; r <= rows; r++) printf "%-*s  %-*s  %-*s  %s\n", width[1], cell[r, 1], width[2], cell[r, 2], width[3], cell[r, 3], cell[r, 4] }
'
echo

status=0
if ((${#unresolved[@]} > 0)); then
  echo "unresolved libraries (install them here, or the binary is broken): ${unresolved[*]}"
  status=1
fi
if ((${#missing[@]} > 0)); then
  echo "missing from the runtime apt-get install line: ${missing[*]}"
  status=1
fi
if ((${#superfluous[@]} > 0)); then
  echo "installed but not needed by the binary: ${superfluous[*]}"
  status=1
fi
if ((status == 0)); then
  echo "ok: the runtime stage installs every needed package (${#needed[@]} incl. base image) and nothing else"
fi
exit "$status"
