#include "hvs/sync/duplicates.hpp"

#include "hvs/sync/text.hpp"

#include <algorithm>
#include <map>

namespace hvs::sync {
namespace {

// The value a removed task changed since the base while the kept task did not, or nullopt.
// `tasks` are the group's removed tasks, most recently updated first.
template <typename Get>
std::optional<std::string> carried(const vibe::task& kept, const std::vector<const vibe::task*>& removed,
                                   const std::optional<std::string>& base, Get get) {
    if (!base || get(kept) != *base) return std::nullopt;  // no base to judge by, or the kept one changed
    for (const auto* t : removed) {
        if (auto value = get(*t); value != *base) return value;
    }
    return std::nullopt;
}

bool older(const vibe::task* a, const vibe::task* b) {
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->id < b->id;
}

bool updated_later(const vibe::task* a, const vibe::task* b) {
    return a->updated_at != b->updated_at ? a->updated_at > b->updated_at : a->id < b->id;
}

duplicate_repair plan_group(const std::string& issue_id, std::vector<const vibe::task*> group, const link* stored) {
    std::sort(group.begin(), group.end(), older);
    auto kept = group.begin();
    if (stored && stored->task_id) {
        auto linked = std::find_if(group.begin(), group.end(), [&](const vibe::task* t) { return t->id == *stored->task_id; });
        if (linked != group.end()) kept = linked;
    }
    duplicate_repair repair;
    repair.issue_id = issue_id;
    repair.keep = (*kept)->id;
    std::vector<const vibe::task*> removed;
    for (auto it = group.begin(); it != group.end(); ++it) {
        if (it != kept) removed.push_back(*it);
    }
    std::sort(removed.begin(), removed.end(), updated_later);
    for (const auto* t : removed) repair.remove.push_back(t->id);
    if (!stored) return repair;
    repair.title = carried(**kept, removed, stored->base_title, [](const vibe::task& t) { return t.title; });
    repair.description = carried(**kept, removed, stored->base_description,
                                 [](const vibe::task& t) { return strip_marker(t.description.value_or("")); });
    auto status = carried(**kept, removed, stored->base_status, [](const vibe::task& t) { return t.status; });
    if (status) repair.status = vibe::parse_task_status(*status);
    return repair;
}

}  // namespace

std::vector<duplicate_repair> plan_duplicate_repairs(const std::vector<vibe::task>& tasks,
                                                     const std::vector<link>& links) {
    std::map<std::string, std::vector<const vibe::task*>> by_marker;
    for (const auto& t : tasks) {
        if (auto issue = marker_issue_id(t.description.value_or(""))) by_marker[*issue].push_back(&t);
    }
    std::map<std::string, const link*> stored;
    for (const auto& l : links) stored[l.issue_id] = &l;
    std::vector<duplicate_repair> repairs;
    for (auto& [issue_id, group] : by_marker) {
        if (group.size() < 2) continue;
        auto found = stored.find(issue_id);
        repairs.push_back(plan_group(issue_id, std::move(group), found == stored.end() ? nullptr : found->second));
    }
    return repairs;
}

std::size_t surplus_tasks(const std::vector<duplicate_repair>& repairs) {
    std::size_t n = 0;
    for (const auto& r : repairs) n += r.remove.size();
    return n;
}

std::vector<store::duplicate_task> tasks_to_record(const std::vector<duplicate_repair>& repairs) {
    std::vector<store::duplicate_task> tasks;
    for (const auto& repair : repairs) {
        for (const auto& task_id : repair.remove) tasks.push_back({repair.issue_id, task_id});
    }
    return tasks;
}

}  // namespace hvs::sync
