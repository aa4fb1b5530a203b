#pragma once
// What the sync engine keeps in SQLite: project rows, issue <-> task links, the Huly statuses
// learned from refusals, and the history of cycles. Synchronous functions over a database; the
// engine runs them on the database thread.

#include "hvs/store/database.hpp"
#include "hvs/sync/model.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hvs::sync {

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

result<std::vector<project_row>> load_projects(store::database& db);
result<std::optional<project_row>> load_project(store::database& db, const std::string& identifier);
result<std::vector<link>> load_links(store::database& db, const std::string& project);
result<std::set<std::string>> load_learned_statuses(store::database& db);

// One project's step, in one transaction: its row and every link given.
result<void> save_project_step(store::database& db, const project_row& row, const std::vector<link>& links,
                               const std::set<std::string>& learned_statuses);

result<void> save_cycle(store::database& db, const cycle_record& record);
result<std::vector<cycle_record>> load_cycles(store::database& db, int limit);

// Wall-clock now as ISO-8601 UTC with milliseconds.
[[nodiscard]] std::string now_iso8601();

}  // namespace hvs::sync
