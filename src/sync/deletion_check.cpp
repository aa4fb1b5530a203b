#include "hvs/sync/deletion_check.hpp"

#include <algorithm>

namespace hvs::sync {
namespace {

deletion_verdict refuted(const deletion_verdict& doubt, const std::string& why) { return {false, doubt.reason + "; " + why}; }

}  // namespace

net::task<deletion_verdict> confirm_deletions(sync_context& ctx, std::string project, std::string vibe_id,
                                              const first_reads& first, deletion_verdict doubt) {
    const auto& missing = first.candidates;
    std::vector<vibe::task> tasks = first.tasks;
    std::vector<huly::issue> issues = first.issues;
    if (!missing.missing_tasks.empty()) {
        auto again = co_await ctx.vibe.list_tasks(vibe_id);
        if (!again) co_return refuted(doubt, "second read of Vibe tasks: " + again.error().describe());
        tasks = std::move(*again);
    }
    if (!missing.missing_issues.empty()) {
        auto again = co_await ctx.huly.list_issues(project, std::nullopt, first.full_issue_limit);
        if (!again) co_return refuted(doubt, "second read of Huly issues: " + again.error().describe());
        if (again->possibly_truncated) co_return refuted(doubt, "second read of Huly issues hit its limit");
        issues = std::move(again->issues);
    }
    auto second = find_deletion_candidates(first.links, issues, first.complete, tasks);
    if (!(second == missing)) co_return refuted(doubt, "a second read disagrees");

    const auto task_count = std::min(single_fetches, missing.missing_tasks.size());
    for (std::size_t i = 0; i < task_count; ++i) {
        const std::string& id = missing.missing_tasks[i];
        auto exists = co_await ctx.vibe.task_exists(id);
        if (!exists) co_return refuted(doubt, "fetching task " + id + ": " + exists.error().describe());
        if (*exists) co_return refuted(doubt, "task " + id + " exists when fetched alone");
    }
    const auto issue_count = std::min(single_fetches, missing.missing_issues.size());
    for (std::size_t i = 0; i < issue_count; ++i) {
        const std::string& id = missing.missing_issues[i];
        auto exists = co_await ctx.huly.issue_exists(id);
        if (!exists) co_return refuted(doubt, "fetching issue " + id + ": " + exists.error().describe());
        if (*exists) co_return refuted(doubt, "issue " + id + " exists when fetched alone");
    }
    HVS_LOG(ctx.log, warning) << project << ": " << missing.missing_issues.size() + missing.missing_tasks.size()
                              << " deletions confirmed by a second read and single fetches (" << doubt.reason << ")";
    co_return deletion_verdict{};
}

}  // namespace hvs::sync
