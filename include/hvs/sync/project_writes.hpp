#pragma once
// The write phase of one project's cycle: the plan's Vibe creates and updates and its Huly updates
// (one PATCH per issue, per-field PUT on a 2025 wrapper), carried out concurrently. A link's base
// moves only after its write was confirmed.

#include "hvs/sync/planner.hpp"
#include "hvs/sync/project_sync.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace hvs::sync {

// What the writes of one project did.
struct write_results {
    std::map<std::string, link> links;  // by issue id: the plan's links, bases moved by confirmed writes
    std::set<std::string> learned_statuses;
    std::vector<std::string> transient_failures;  // retried next cycle: the project fails this one
    unsigned created = 0, tasks_updated = 0, issues_updated = 0, rejected = 0;
};

net::task<write_results> carry_out(sync_context& ctx, std::string vibe_id, project_plan plan);

}  // namespace hvs::sync
