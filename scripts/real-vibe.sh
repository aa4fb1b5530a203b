#!/usr/bin/env bash
# Fetches, starts and stops the real Vibe Kanban 0.0.71 server (npm `vibe-kanban@0.0.71`, Linux x64
# binary) so the Vibe simulator and the sync client can be compared against it.
#
#   real-vibe.sh fetch            download + unpack once into $CACHE (idempotent)
#   real-vibe.sh start            fetch if needed, start an instance, print `PORT=<n> PID=<pid> DIR=<dir>`
#   real-vibe.sh stop PID DIR     TERM (KILL after 5 s) the instance and remove its DIR
#
# CACHE = ${HVS_CACHE_DIR:-$HOME/.cache/huly-vibe-sync}/vibe-kanban-0.0.71
#
# What the binary honours (crates/server/src/main.rs of the tag, confirmed by running it):
#   BACKEND_PORT, else PORT (0 or unset: any free port), HOST (default 127.0.0.1), RUST_LOG;
#   data in $HOME/.local/share/vibe-kanban (or $XDG_DATA_HOME), port file in $TMPDIR/vibe-kanban/.
#   It has no command-line options (`--help` just starts the server).
# Isolation per instance: a fresh DIR holding HOME and TMPDIR, an emptied environment (env -i), so a
# caller's BACKEND_PORT / XDG_* cannot leak in.
# Browser: at startup the release binary runs the `open` crate launchers (xdg-open, gio, gnome-open,
# kde-open, wslview); DIR/bin holds stubs of those names first on PATH that only exit 1, so nothing
# is ever opened (the log shows "Failed to open browser automatically", which is harmless).
# Network: no outbound connection was seen at startup (strace -e connect); analytics stay off
# (analytics_enabled is null in a fresh config). As a guard, HTTP(S)_PROXY/ALL_PROXY point at the
# closed port 127.0.0.1:9 (NO_PROXY=127.0.0.1,localhost), so any reqwest-based call (Sentry,
# PostHog, GitHub) fails on loopback instead of leaving the machine.
set -euo pipefail

readonly version="0.0.71"
readonly cache_dir="${HVS_CACHE_DIR:-$HOME/.cache/huly-vibe-sync}/vibe-kanban-${version}"
readonly binary="${cache_dir}/vibe-kanban"
readonly marker=".real-vibe-instance"

die() {
    local code="$1"
    shift
    echo "real-vibe: $*" >&2
    exit "$code"
}

usage() {
    echo "usage: $0 fetch | start | stop PID DIR" >&2
    exit 2
}

unzip_to() {  # unzip_to ZIP DEST
    if command -v unzip >/dev/null 2>&1; then
        unzip -qq -o "$1" -d "$2"
    else
        python3 -m zipfile -e "$1" "$2"
    fi
}

cmd_fetch() {
    [[ -x "$binary" ]] && return 0
    command -v npm >/dev/null 2>&1 || die 3 "npm not found; cannot download vibe-kanban@${version}"
    mkdir -p "$cache_dir"
    local work
    work="$(mktemp -d "${cache_dir}/.fetch.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    if ! (cd "$work" && npm pack "vibe-kanban@${version}" --silent >"$work/npm.log" 2>&1); then
        die 3 "npm pack vibe-kanban@${version} failed: $(tail -n 1 "$work/npm.log" 2>/dev/null)"
    fi
    local tgz="$work/vibe-kanban-${version}.tgz"
    [[ -f "$tgz" ]] || die 3 "npm pack produced no vibe-kanban-${version}.tgz"
    tar -xzf "$tgz" -C "$work" package/dist/linux-x64/vibe-kanban.zip \
        || die 3 "the npm package has no dist/linux-x64/vibe-kanban.zip"
    unzip_to "$work/package/dist/linux-x64/vibe-kanban.zip" "$work/out" || die 3 "cannot unzip vibe-kanban.zip"
    [[ -f "$work/out/vibe-kanban" ]] || die 3 "vibe-kanban.zip holds no vibe-kanban binary"
    chmod +x "$work/out/vibe-kanban"
    mv -f "$work/out/vibe-kanban" "$binary"
    rm -rf "$work"
    trap - EXIT
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
        return
    fi
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die 1 "no free port found"
}

make_browser_stubs() {  # make_browser_stubs DIR
    mkdir -p "$1"
    local name
    for name in xdg-open gio gnome-open kde-open wslview x-www-browser www-browser sensible-browser; do
        printf '#!/bin/sh\necho "browser disabled by real-vibe.sh: $*" >&2\nexit 1\n' >"$1/$name"
        chmod +x "$1/$name"
    done
}

healthy() {  # healthy PORT
    local body
    body="$(curl -sS --max-time 2 "http://127.0.0.1:$1/api/health" 2>/dev/null)" || return 1
    [[ "$body" == *'"success":true'* ]]
}

# Starts one instance in DIR on PORT; prints the PID. Its working directory is DIR, so a relative
# git_repo_path (which use_existing_repo:false would mkdir + git init) stays inside the instance.
launch() {  # launch DIR PORT
    local dir="$1" port="$2"
    cd "$dir"
    env -i \
        PATH="$dir/bin:/usr/local/bin:/usr/bin:/bin" \
        HOME="$dir/home" TMPDIR="$dir/tmp" \
        HOST=127.0.0.1 PORT="$port" RUST_LOG=info LANG=C.UTF-8 \
        BROWSER=/bin/false \
        HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
        http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9 \
        NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
        setsid "$binary" </dev/null >>"$dir/server.log" 2>&1 &
    echo "$!"
}

cmd_start() {
    command -v curl >/dev/null 2>&1 || die 1 "curl not found (needed to poll /api/health)"
    cmd_fetch
    local dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/real-vibe.XXXXXX")"
    touch "$dir/$marker"
    mkdir -p "$dir/home" "$dir/tmp"
    make_browser_stubs "$dir/bin"
    local attempt port pid deadline
    for attempt in 1 2 3; do
        port="$(free_port)"
        pid="$(launch "$dir" "$port")"
        deadline=$((SECONDS + 60))
        while ((SECONDS < deadline)); do
            if ! kill -0 "$pid" 2>/dev/null; then
                break  # died, e.g. the port was taken meanwhile: try another one
            fi
            if healthy "$port"; then
                echo "PORT=${port} PID=${pid} DIR=${dir}"
                return 0
            fi
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            echo "real-vibe: no healthy /api/health within 60 s (attempt $attempt); log: $dir/server.log" >&2
            break
        fi
        echo "real-vibe: server exited early (attempt $attempt); see $dir/server.log" >&2
    done
    tail -n 5 "$dir/server.log" >&2 || true
    exit 1
}

# True when PID is the vibe-kanban server started by `start` for DIR: its executable is named
# vibe-kanban and its environment holds HOME=DIR/home. Anything unverifiable is not ours.
is_our_server() {  # is_our_server PID DIR
    local exe
    exe="$(readlink "/proc/$1/exe" 2>/dev/null)" || return 1
    [[ "$(basename "${exe% (deleted)}")" == "vibe-kanban" ]] || return 1
    [[ -r "/proc/$1/environ" ]] || return 1
    grep -qxF "HOME=$2/home" < <(tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null)
}

cmd_stop() {
    local pid="${1:-}" dir="${2:-}"
    [[ "$pid" =~ ^[0-9]+$ && -n "$dir" ]] || usage
    dir="${dir%/}"
    if kill -0 "$pid" 2>/dev/null; then
        is_our_server "$pid" "$dir" || die 1 "PID $pid is not the vibe-kanban server of $dir; not signalling it"
        kill -TERM "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null && ((waited < 50)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    if [[ -d "$dir" ]]; then
        [[ -f "$dir/$marker" ]] || die 1 "$dir was not made by real-vibe.sh start; not removing it"
        rm -rf "$dir"
    fi
}

case "${1:-}" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) shift; cmd_stop "$@" ;;
    *) usage ;;
esac
