#!/usr/bin/env python3
"""Dependencies point one way: checks every `#include "hvs/<folder>/..."` in src/<folder> and
include/hvs/<folder> against the layer order of docs/architecture.md. A folder may include its own
headers and those of the folders below it; the simulators (sim) stand on core and net only; the
app (src/app) sits on top and its includes are not checked. Each folder's code is in its own
namespace, hvs::<folder> (or one nested in it). SQL lives in store's repositories: a C++ string
literal that starts with an SQL statement (SELECT, INSERT INTO, UPDATE … SET, DELETE FROM; any case)
outside src/store/ and include/hvs/store/ is refused (the tests, under test/, are not read). Exit 1
listing each include that points up or sideways, each namespace of another folder, each SQL
statement out of place, and each folder this script does not know.

Usage: check-layers.py [SOURCE_DIR]   (default: the repository holding this script)
"""
import pathlib
import re
import sys

# Lowest first (docs/architecture.md; src/CMakeLists.txt says the same).
LAYERS = ["core", "store", "net", "huly", "vibe", "letta", "sync", "agents", "service"]
ALLOWED = {folder: set(LAYERS[: i + 1]) for i, folder in enumerate(LAYERS)}
ALLOWED["sim"] = {"core", "net", "sim"}  # linked only by simulate, the tests and the bench

# Known exceptions, one line each with its reason: (file, included header) -> why it is still there.
EXCEPTIONS = {
}

# Namespaces outside hvs::<folder>, with the reason they stay: (file, namespace) -> why.
NAMESPACE_EXCEPTIONS = {
    ("include/hvs/core/error.hpp", "hvs"): "hvs::result and hvs::error are the whole project's vocabulary",
    ("src/core/error.cpp", "hvs"): "hvs::result and hvs::error are the whole project's vocabulary",
    ("include/hvs/core/log.hpp", "hvs::log"): "HVS_LOG and hvs::log are used as such in every folder",
    ("src/core/log.cpp", "hvs::log"): "HVS_LOG and hvs::log are used as such in every folder",
}

# SQL statements that must stay outside store, with the reason: (file, first words) -> why.
SQL_EXCEPTIONS = {
}

# A string literal (plain or raw) whose text starts with an SQL statement. Shaped so that messages
# such as "update task of P-1" are not taken for one.
SQL_LITERAL = re.compile(
    r'(?:R"[^(\s]*\(|")\s*((?:SELECT\s|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)[^"\n]{0,40})',
    re.IGNORECASE)
SQL_CHECKED = ["src", "include", "bench"]
SQL_HOME = ("src/store/", "include/hvs/store/")

NAMESPACE = re.compile(r'^[ \t]*namespace[ \t]+(hvs(?:::\w+)*)[ \t]*\{', re.MULTILINE)
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"(hvs/([A-Za-z0-9_]+)/[^"]+)"', re.MULTILINE)


def files_of(root, folder):
    for base in (root / "src" / folder, root / "include" / "hvs" / folder):
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.suffix in {".hpp", ".cpp", ".h", ".ipp"})


def misplaced_sql(root, used):
    problems = []
    for top in SQL_CHECKED:
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.suffix in {".hpp", ".cpp", ".h", ".ipp"}):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(SQL_HOME):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in SQL_LITERAL.finditer(text):
                words = " ".join(match.group(1).split()[:2]).upper()
                if (relative, words) in SQL_EXCEPTIONS:
                    used.add((relative, words))
                    continue
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{relative}:{line}: SQL outside store ({match.group(1).strip()}…): "
                                "move it into a store repository (include/hvs/store/*_repository.hpp)")
    return problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    folders = {p.name for p in (root / "include" / "hvs").iterdir() if p.is_dir()}
    folders |= {p.name for p in (root / "src").iterdir() if p.is_dir() and p.name != "app"}
    problems, used = [], set()
    for folder in sorted(folders - ALLOWED.keys()):
        problems.append(f"src/{folder} or include/hvs/{folder}: a folder without a place in the layer order")
    for folder in sorted((folders & ALLOWED.keys()) | {"app"}):
        for path in files_of(root, folder):
            relative = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in NAMESPACE.finditer(text):
                namespace = match.group(1)
                if namespace == f"hvs::{folder}" or namespace.startswith(f"hvs::{folder}::"):
                    continue
                if (relative, namespace) in NAMESPACE_EXCEPTIONS:
                    used.add((relative, namespace))
                    continue
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{relative}:{line}: namespace {namespace} in {folder}/ (expected hvs::{folder})")
            if folder == "app":
                continue
            for match in INCLUDE.finditer(text):
                header, target = match.group(1), match.group(2)
                if target in ALLOWED[folder]:
                    continue
                if (relative, header) in EXCEPTIONS:
                    used.add((relative, header))
                    continue
                line = text.count("\n", 0, match.start()) + 1
                may = ", ".join(f for f in LAYERS + ["sim"] if f in ALLOWED[folder])
                problems.append(f"{relative}:{line}: {folder} includes {header} ({folder} may include {may})")
    problems += misplaced_sql(root, used)
    for relative, name in sorted((EXCEPTIONS.keys() | NAMESPACE_EXCEPTIONS.keys() | SQL_EXCEPTIONS.keys()) - used):
        print(f"note: the exception {relative}: {name} is no longer needed; remove it", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) with the layer order, the namespaces or SQL (docs/architecture.md)", file=sys.stderr)
        return 1
    print(f"layers ok: {', '.join(LAYERS)}; sim on core and net; one namespace per folder; "
          f"SQL in store only; {len(used)} known exception(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
