#pragma once
// Statuses are compared in Vibe's vocabulary. Huly names map onto it by meaning; Vibe statuses
// map back onto configurable Huly names, chosen among the statuses the workspace has.

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "hvs/vibe/status.hpp"

namespace hvs::sync {

// backlog/todo → todo, progress → inprogress, review → inreview, done/completed → done,
// cancel → cancelled, anything else → todo (case-insensitive, by substring).
[[nodiscard]] vibe::task_status vibe_status_of_huly(std::string_view huly_status);

// The Huly status name to write for each Vibe status (HULY_STATUS_* settings).
struct huly_status_names {
    std::string todo = "Todo";
    std::string inprogress = "In Progress";
    std::string inreview = "In Review";
    std::string done = "Done";
    std::string cancelled = "Canceled";
};

// The Huly name to write for `target`, or nullopt when the workspace cannot take one.
// `known_available` is the list Huly gave with its last refusal (empty = not learned yet, assume
// the configured name exists). Todo falls back to Backlog when the workspace has no Todo.
[[nodiscard]] std::optional<std::string> huly_name_for(vibe::task_status target, const huly_status_names& names,
                                                       const std::set<std::string>& known_available);

}  // namespace hvs::sync
