#pragma once
// The statuses a Vibe Kanban task can have (reference vibe-kanban-api.md, "Status enum"), and their
// spelling on the wire.

#include <array>
#include <optional>
#include <string_view>

namespace hvs::vibe {

enum class task_status { todo, inprogress, inreview, done, cancelled };

inline constexpr std::array<task_status, 5> all_task_statuses = {
    task_status::todo, task_status::inprogress, task_status::inreview, task_status::done, task_status::cancelled};

[[nodiscard]] std::string_view to_string(task_status status);
[[nodiscard]] std::optional<task_status> parse_task_status(std::string_view text);

}  // namespace hvs::vibe
