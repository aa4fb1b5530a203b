"""What the bundled simulators hold, read through their admin API: the shell tests' checks of final
state import this (PYTHONPATH=scripts). A Vibe task belongs to the Huly issue its marker names."""
import collections
import json
import urllib.request


def state(base, suffix="/api"):
    """The whole state of the simulator whose API base URL (ending in `suffix`) is `base`."""
    with urllib.request.urlopen(base[:-len(suffix)] + "/__admin/state", timeout=10) as r:
        return json.loads(r.read())


def issues_of(huly_state):
    """Huly issues by identifier."""
    return {i["identifier"]: i for p in huly_state["projects"] for i in p["issues"]}


def tasks_by_issue(vibe_state):
    """Vibe tasks by the issue identifier their marker names (a list: duplicates show)."""
    tasks = collections.defaultdict(list)
    for p in vibe_state["projects"]:
        for t in p["tasks"]:
            d = t.get("description") or ""
            if "Huly Issue: " in d:
                tasks[d.rsplit("Huly Issue: ", 1)[1].strip()].append(t)
    return tasks
