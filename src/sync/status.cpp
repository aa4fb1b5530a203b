#include "hvs/sync/status.hpp"

#include <algorithm>
#include <cctype>

namespace hvs::sync {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

// Huly matches status names case-insensitively; so do we when checking availability.
std::optional<std::string> available_spelling(const std::string& name, const std::set<std::string>& available) {
    if (available.empty()) return name;
    for (const auto& candidate : available) {
        if (lower(candidate) == lower(name)) return candidate;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(vibe_status status) {
    switch (status) {
    case vibe_status::todo: return "todo";
    case vibe_status::inprogress: return "inprogress";
    case vibe_status::inreview: return "inreview";
    case vibe_status::done: return "done";
    case vibe_status::cancelled: return "cancelled";
    }
    return "todo";
}

std::optional<vibe_status> parse_vibe_status(std::string_view text) {
    for (auto status : all_vibe_statuses) {
        if (to_string(status) == text) return status;
    }
    return std::nullopt;
}

vibe_status vibe_status_of_huly(std::string_view huly_status) {
    std::string name = lower(huly_status);
    if (contains(name, "backlog") || contains(name, "todo") || contains(name, "to do")) return vibe_status::todo;
    if (contains(name, "progress")) return vibe_status::inprogress;
    if (contains(name, "review")) return vibe_status::inreview;
    if (contains(name, "done") || contains(name, "complete")) return vibe_status::done;
    if (contains(name, "cancel")) return vibe_status::cancelled;
    return vibe_status::todo;
}

std::optional<std::string> huly_name_for(vibe_status target, const huly_status_names& names,
                                         const std::set<std::string>& known_available) {
    switch (target) {
    case vibe_status::todo:
        if (auto todo = available_spelling(names.todo, known_available)) return todo;
        return available_spelling("Backlog", known_available);
    case vibe_status::inprogress: return available_spelling(names.inprogress, known_available);
    case vibe_status::inreview: return available_spelling(names.inreview, known_available);
    case vibe_status::done: return available_spelling(names.done, known_available);
    case vibe_status::cancelled: return available_spelling(names.cancelled, known_available);
    }
    return std::nullopt;
}

}  // namespace hvs::sync
