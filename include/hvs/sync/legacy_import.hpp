#pragma once
// Imports the original Node.js service's sync-state.db (tables projects, issues, sync_metadata)
// so an operator can switch without duplicating tasks or agents: project <-> Vibe project and
// issue <-> task ids become links, projects.letta_agent_id becomes the project's agent binding. The legacy title/description/status become merge bases only where the
// legacy code cannot have clobbered them (its partial upsert wrote title=identifier,
// description='' and status='unknown'). Nothing in the legacy file is modified.

#include "hvs/store/database.hpp"

#include <string>

namespace hvs::sync {

struct import_report {
    int projects = 0;
    int links = 0;
    int agents = 0;             // project -> Letta agent bindings (projects.letta_agent_id)
    int skipped_links = 0;      // issues without a Vibe task id
    int kept_existing = 0;      // projects or links already known here (left unchanged)
};

// Reads `legacy_path` and writes into `db` (already migrated) in one transaction.
result<import_report> import_legacy(store::database& db, const std::string& legacy_path);

}  // namespace hvs::sync
