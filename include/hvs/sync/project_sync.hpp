#pragma once
// One project's cycle: mirror the project, read both sides, plan, carry the writes out
// concurrently, commit the project's state in one transaction.

#include "hvs/core/log.hpp"
#include "hvs/huly/client.hpp"
#include "hvs/store/fenced_db.hpp"
#include "hvs/sync/deletion_guard.hpp"
#include "hvs/sync/mirror.hpp"
#include "hvs/sync/planner.hpp"
#include "hvs/vibe/client.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace hvs::sync {

struct sync_settings {
    bool dry_run = false;
    bool incremental = true;
    unsigned full_sync_every = 12;
    bool skip_empty_projects = false;
    std::string stacks_dir = "/opt/stacks";
    std::vector<std::string> allowed_repo_roots;  // STACKS_DIR is always allowed too
    plan_settings plan;
    deletion_guard_settings deletion_guard;
};

struct sync_context {
    huly::client& huly;
    vibe::client& vibe;
    store::fenced_db db;
    sync_settings settings;
    log::logger log;
    std::ostream* plan_output = nullptr;  // dry run: where the plan is printed
};

struct project_outcome {
    std::string project;
    bool ok = false;
    bool skipped = false;
    std::string error;        // why it failed (never holds a secret)
    bool created_vibe_project = false;
    bool full_read = false;
    unsigned tasks_created = 0;
    unsigned tasks_updated = 0;
    unsigned issues_updated = 0;
    unsigned conflicts = 0;
    unsigned relinked = 0;
    unsigned marked_deleted = 0;
    unsigned rejected = 0;    // writes the upstream refused (recorded, not retried blindly)
    unsigned duplicate_tasks = 0;  // tasks carrying the marker of an issue another task carries too
    unsigned planned_writes = 0;
    // The project's stored state before and after this cycle (for the PM agent's memory blocks).
    std::vector<link> previous_links;
    std::vector<link> links;
    std::string vibe_id;
    std::string repo_path;
};

net::task<project_outcome> sync_project(sync_context& ctx, huly::project project, mirror_decision mirror);

}  // namespace hvs::sync
