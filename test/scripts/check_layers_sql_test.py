#!/usr/bin/env python3
"""check-layers.py refuses an SQL statement outside store/ and lets a message that merely starts
with "update" pass. Builds a small tree in a temporary directory and runs the script on it.

Usage: check_layers_sql_test.py PATH/TO/check-layers.py
"""
import pathlib
import subprocess
import sys
import tempfile


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(script, root):
    return subprocess.run([sys.executable, script, str(root)], capture_output=True, text=True, timeout=60)


def main():
    script = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        write(root, "include/hvs/store/repo.hpp", "namespace hvs::store {}\n")
        write(root, "src/store/repo.cpp", 'namespace hvs::store { auto q = "SELECT id FROM links"; }\n')
        write(root, "src/sync/writes.cpp", 'namespace hvs::sync { auto m = "update task of " ; }\n')
        clean = run(script, root)
        if clean.returncode != 0:
            failures.append(f"a tree with SQL in store only was refused:\n{clean.stderr}")

        write(root, "src/sync/state.cpp",
              'namespace hvs::sync {\nauto q = "INSERT INTO links (issue_id) VALUES (?1)";\n'
              'auto r = R"(\n  delete from agents WHERE project = ?1)";\n}\n')
        dirty = run(script, root)
        if dirty.returncode != 1:
            failures.append(f"SQL in sync/ was not refused (exit {dirty.returncode})")
        for expected in ("src/sync/state.cpp:2: SQL outside store", "src/sync/state.cpp:3: SQL outside store"):
            if expected not in dirty.stderr:
                failures.append(f"missing '{expected}' in:\n{dirty.stderr}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
