#pragma once
// Reads the original Node.js service's sync-state.db (tables projects and issues) as it is: the
// file is opened read-only and nothing in it changes. What its rows mean here is sync's decision
// (sync/legacy_import.hpp).

#include "hvs/core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvs::store {

// The id columns (vibe_id, letta_agent_id, vibe_task_id) read as none when NULL, empty or 0 (how
// the original wrote "not yet").
struct legacy_project {
    std::string identifier;
    std::string name;
    std::optional<std::string> vibe_id;
    std::optional<std::string> filesystem_path;
    std::int64_t issue_count = 0;
    std::optional<std::string> letta_agent_id;  // only in files of versions that had agents
};

struct legacy_issue {
    std::string identifier;
    std::string project_identifier;
    std::optional<std::string> vibe_task_id;
    std::optional<std::string> title, description, status;
};

struct legacy_state {
    std::vector<legacy_project> projects;
    std::vector<legacy_issue> issues;
};

// An invalid error when `path` is not a file or not the original's database.
result<legacy_state> read_legacy_state(const std::string& path);

}  // namespace hvs::store
