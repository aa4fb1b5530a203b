#pragma once
// The duplicate tasks each project's last cycle found (sync/duplicates.hpp), kept in the database
// so that `status` can report them without reading Vibe.

#include "hvs/store/database.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hvs::store {

// A surplus Vibe task carrying the marker of `issue_id`.
struct duplicate_task {
    std::string issue_id;
    std::string task_id;
};

// Replaces what is stored for `project` with `tasks` (none: the project has no duplicate).
result<void> save_duplicates(database& db, const std::string& project, const std::vector<duplicate_task>& tasks);
// Whether anything is recorded for `project`.
result<bool> has_duplicates(database& db, const std::string& project);
// Surplus tasks by project, only projects that have any.
result<std::map<std::string, std::int64_t>> load_duplicate_counts(database& db);

}  // namespace hvs::store
