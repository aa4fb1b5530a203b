#pragma once
// Vibe tasks of one project that carry the same issue marker (two processes once synced one
// database at the same time, or a create was repeated): which task stays, what it takes over from
// the others, and which are deleted. Pure: the repair command and the cycle's report share it.

#include "hvs/store/duplicate_repository.hpp"
#include "hvs/sync/model.hpp"
#include "hvs/sync/status.hpp"
#include "hvs/vibe/task.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hvs::sync {

struct duplicate_repair {
    std::string issue_id;
    std::string keep;                  // the linked task, else the oldest
    std::vector<std::string> remove;   // every other task with the marker
    // What the kept task takes over: a value a removed task changed since the last sync (the
    // link's base) while the kept one did not; among several, the most recently updated task's.
    std::optional<std::string> title;
    std::optional<std::string> description;  // without the marker
    std::optional<vibe::task_status> status;
};

// Every issue whose marker more than one task carries, by issue id. `links` are the project's
// stored links (their task ids choose the task to keep; their bases decide what is carried over).
[[nodiscard]] std::vector<duplicate_repair> plan_duplicate_repairs(const std::vector<vibe::task>& tasks,
                                                                   const std::vector<link>& links);

// How many tasks the repairs would delete.
[[nodiscard]] std::size_t surplus_tasks(const std::vector<duplicate_repair>& repairs);

// The tasks the repairs would delete, as `status` reads them from the database.
[[nodiscard]] std::vector<store::duplicate_task> tasks_to_record(const std::vector<duplicate_repair>& repairs);

}  // namespace hvs::sync
