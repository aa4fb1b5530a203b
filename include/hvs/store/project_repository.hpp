#pragma once
// What the sync engine keeps in the database: project rows, issue <-> task links, the Huly
// statuses learned from refusals, and the history of cycles. Synchronous functions over a
// database; the engine runs them on the database thread.

#include "hvs/store/database.hpp"
#include "hvs/store/link.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hvs::store {

struct project_row {
    std::string identifier;
    std::string name;
    std::optional<std::string> vibe_id;
    std::optional<std::string> repo_path;
    std::optional<std::string> description_hash;
    std::int64_t issue_count = 0;
    std::optional<std::int64_t> watermark_ms;
    std::int64_t cycles_since_full = 0;
    std::optional<std::string> last_success_at;
    std::optional<std::string> last_error;
};

struct cycle_record {
    std::string started_at;
    std::string finished_at;
    std::string outcome;  // ok | partial | failed | interrupted | timeout
    int projects_ok = 0;
    int projects_failed = 0;
    int tasks_created = 0;
    int tasks_updated = 0;
    int issues_updated = 0;
    int conflicts = 0;
    std::string errors_json = "[]";
    std::string agent_work_json = "{}";  // the PM agent work of the cycle (service/agent_work.hpp)
};

// How many links a project has, and in which state (for `status`).
struct link_counts {
    std::int64_t total = 0;
    std::int64_t with_task = 0;
    std::int64_t deleted_in_huly = 0;
    std::int64_t deleted_in_vibe = 0;
};

result<std::vector<project_row>> load_projects(database& db);
result<std::optional<project_row>> load_project(database& db, const std::string& identifier);
result<std::vector<link>> load_links(database& db, const std::string& project);
result<std::set<std::string>> load_learned_statuses(database& db);
// By project, only projects that have links.
result<std::map<std::string, link_counts>> load_link_counts(database& db);

// One project's step, in one transaction: its row and every link given.
result<void> save_project_step(database& db, const project_row& row, const std::vector<link>& links,
                               const std::set<std::string>& learned_statuses);

// An imported project (identifier, name, Vibe id, repository, issue count; nothing else known yet).
// Fails (io) when the project exists.
result<void> insert_imported_project(database& db, const project_row& row);
// An imported link (ids and bases only), unless its project is unknown, its task is linked already
// or its issue has a link: whether it was written.
result<bool> insert_imported_link(database& db, const link& l);

result<void> save_cycle(database& db, const cycle_record& record);
result<std::vector<cycle_record>> load_cycles(database& db, int limit);

}  // namespace hvs::store
