#include "hvs/vibe/status.hpp"

namespace hvs::vibe {

std::string_view to_string(task_status status) {
    switch (status) {
    case task_status::todo: return "todo";
    case task_status::inprogress: return "inprogress";
    case task_status::inreview: return "inreview";
    case task_status::done: return "done";
    case task_status::cancelled: return "cancelled";
    }
    return "todo";
}

std::optional<task_status> parse_task_status(std::string_view text) {
    for (auto status : all_task_statuses) {
        if (to_string(status) == text) return status;
    }
    return std::nullopt;
}

}  // namespace hvs::vibe
