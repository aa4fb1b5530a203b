#include "hvs/sync/deletion_guard.hpp"

#include <set>

namespace hvs::sync {
namespace {

bool too_many(std::size_t missing, std::size_t live, const deletion_guard_settings& settings) {
    return missing > settings.min_links &&
           static_cast<double>(missing) > settings.ratio * static_cast<double>(live);
}

}  // namespace

deletion_candidates find_deletion_candidates(const std::vector<link>& links, const std::vector<huly::issue>& issues,
                                             bool complete_issue_list, const std::vector<vibe::task>& tasks) {
    std::set<std::string> issue_ids, task_ids;
    for (const auto& issue : issues) issue_ids.insert(issue.id);
    for (const auto& task : tasks) task_ids.insert(task.id);
    deletion_candidates out;
    for (const auto& l : links) {
        if (l.deleted_in_huly || l.deleted_in_vibe || !l.task_id) continue;
        ++out.live_links;
        if (complete_issue_list && !issue_ids.contains(l.issue_id)) {
            out.missing_issues.push_back(l.issue_id);
        } else if (!task_ids.contains(*l.task_id)) {
            out.missing_tasks.push_back(*l.task_id);
        }
    }
    return out;
}

deletion_verdict judge_deletions(const deletion_candidates& candidates, const huly_counts& huly,
                                 std::size_t tasks_read, const deletion_guard_settings& settings) {
    if (candidates.empty()) return {};
    const std::string linked = std::to_string(candidates.live_links) + " linked";
    if (!candidates.missing_issues.empty() && huly.complete && huly.issue_count &&
        static_cast<std::int64_t>(huly.issues_read) < *huly.issue_count) {
        return {false, "Huly answered " + std::to_string(huly.issues_read) + " issues while its project list counts " +
                           std::to_string(*huly.issue_count) + ": deletions not trusted"};
    }
    if (too_many(candidates.missing_issues.size(), candidates.live_links, settings)) {
        return {false, "Huly answered " + std::to_string(huly.issues_read) + " issues for " + linked + " (" +
                           std::to_string(candidates.missing_issues.size()) + " missing): deletions not trusted"};
    }
    if (too_many(candidates.missing_tasks.size(), candidates.live_links, settings)) {
        return {false, "Vibe answered " + std::to_string(tasks_read) + " tasks for " + linked + " (" +
                           std::to_string(candidates.missing_tasks.size()) + " missing): deletions not trusted"};
    }
    return {};
}

}  // namespace hvs::sync
