#pragma once
// Confirms deletions the guard did not trust: a second read of the side that lost them, then a few
// of the missing items fetched one by one. Only a second read that agrees plus a 404 for each
// single fetch lets the deletions be recorded.

#include "hvs/huly/issue.hpp"
#include "hvs/sync/deletion_guard.hpp"
#include "hvs/sync/project_sync.hpp"
#include "hvs/vibe/task.hpp"

namespace hvs::sync {

// The first reads whose deletions are being checked.
struct first_reads {
    const std::vector<link>& links;
    const std::vector<huly::issue>& issues;
    bool complete = false;
    const std::vector<vibe::task>& tasks;
    deletion_candidates candidates;
    std::size_t full_issue_limit = 0;
};

// Items fetched one by one per side.
inline constexpr std::size_t single_fetches = 3;

// `doubt` is the guard's verdict; the answer is trusted, or not with the reason extended.
net::task<deletion_verdict> confirm_deletions(sync_context& ctx, std::string project, std::string vibe_id,
                                              const first_reads& first, deletion_verdict doubt);

}  // namespace hvs::sync
