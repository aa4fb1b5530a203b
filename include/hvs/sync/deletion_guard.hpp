#pragma once
// Whether one cycle's reads may mark linked items deleted. Pure: a read that would remove more
// than a bounded share of a project's links at once, or that contradicts another answer of the
// same cycle (Huly's issueCount), is not trusted until confirmed (product.md §5: deletions are
// confirmed, never inferred from one answer).

#include "hvs/huly/issue.hpp"
#include "hvs/sync/model.hpp"
#include "hvs/vibe/task.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvs::sync {

struct deletion_guard_settings {
    unsigned min_links = 5;  // more than this many links at once ...
    double ratio = 0.2;      // ... and more than this share of the live links: not trusted
};

// The live links (not yet marked deleted, task known) this cycle's reads would mark deleted, as the
// planner would: a linked issue missing from a complete Huly read, else a linked task missing from
// Vibe's list.
struct deletion_candidates {
    std::size_t live_links = 0;
    std::vector<std::string> missing_issues;  // issue ids (missing in Huly)
    std::vector<std::string> missing_tasks;   // task ids (missing in Vibe)

    [[nodiscard]] bool empty() const { return missing_issues.empty() && missing_tasks.empty(); }
    friend bool operator==(const deletion_candidates&, const deletion_candidates&) = default;
};

[[nodiscard]] deletion_candidates find_deletion_candidates(const std::vector<link>& links,
                                                           const std::vector<huly::issue>& issues,
                                                           bool complete_issue_list,
                                                           const std::vector<vibe::task>& tasks);

// What else the cycle learned about the project: Huly's issueCount from the project list (every
// issue, sub-issues included) and how many issues the complete read returned.
struct huly_counts {
    std::optional<std::int64_t> issue_count;
    std::size_t issues_read = 0;
    bool complete = false;
};

struct deletion_verdict {
    bool trusted = true;
    std::string reason;  // why not, e.g. "Vibe answered 0 tasks for 7 linked: deletions not trusted"
};

[[nodiscard]] deletion_verdict judge_deletions(const deletion_candidates& candidates, const huly_counts& huly,
                                               std::size_t tasks_read, const deletion_guard_settings& settings);

}  // namespace hvs::sync
