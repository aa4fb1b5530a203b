#include "hvs/sync/status.hpp"

#include "hvs/sync/text.hpp"

#include <algorithm>
#include <cctype>

namespace hvs::sync {
namespace {

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

// Huly matches status names case-insensitively; so do we when checking availability.
std::optional<std::string> available_spelling(const std::string& name, const std::set<std::string>& available) {
    if (available.empty()) return name;
    for (const auto& candidate : available) {
        if (ascii_lower(candidate) == ascii_lower(name)) return candidate;
    }
    return std::nullopt;
}

}  // namespace

vibe::task_status vibe_status_of_huly(std::string_view huly_status) {
    std::string name = ascii_lower(huly_status);
    if (contains(name, "backlog") || contains(name, "todo") || contains(name, "to do")) return vibe::task_status::todo;
    if (contains(name, "progress")) return vibe::task_status::inprogress;
    if (contains(name, "review")) return vibe::task_status::inreview;
    if (contains(name, "done") || contains(name, "complete")) return vibe::task_status::done;
    if (contains(name, "cancel")) return vibe::task_status::cancelled;
    return vibe::task_status::todo;
}

std::optional<std::string> huly_name_for(vibe::task_status target, const huly_status_names& names,
                                         const std::set<std::string>& known_available) {
    switch (target) {
    case vibe::task_status::todo:
        if (auto todo = available_spelling(names.todo, known_available)) return todo;
        return available_spelling("Backlog", known_available);
    case vibe::task_status::inprogress: return available_spelling(names.inprogress, known_available);
    case vibe::task_status::inreview: return available_spelling(names.inreview, known_available);
    case vibe::task_status::done: return available_spelling(names.done, known_available);
    case vibe::task_status::cancelled: return available_spelling(names.cancelled, known_available);
    }
    return std::nullopt;
}

}  // namespace hvs::sync
