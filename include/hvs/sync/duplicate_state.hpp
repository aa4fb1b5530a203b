#pragma once
// The duplicate tasks each project's last cycle found (duplicates.hpp), kept in the database so
// that `status` can report them without reading Vibe.

#include "hvs/store/database.hpp"
#include "hvs/sync/duplicates.hpp"

#include <map>
#include <string>

namespace hvs::sync {

// Replaces what is stored for `project` with `repairs` (none: the project has no duplicate).
result<void> save_duplicates(store::database& db, const std::string& project,
                             const std::vector<duplicate_repair>& repairs);
// Whether anything is recorded for `project`.
result<bool> has_duplicates(store::database& db, const std::string& project);
// Surplus tasks by project, only projects that have any.
result<std::map<std::string, std::int64_t>> load_duplicate_counts(store::database& db);

}  // namespace hvs::sync
