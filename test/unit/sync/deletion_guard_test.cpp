// Whether a cycle's reads may mark links deleted (issue 12: one empty answer must not cut a
// project off).

#include "hvs/sync/deletion_guard.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

std::vector<link> live_links(int n) {
    std::vector<link> out;
    for (int i = 1; i <= n; ++i) {
        link l;
        l.issue_id = "P-" + std::to_string(i);
        l.project = "P";
        l.task_id = "t" + std::to_string(i);
        out.push_back(l);
    }
    return out;
}

std::vector<huly::issue> issues_of(const std::vector<link>& links, int skip = 0) {
    std::vector<huly::issue> out;
    for (std::size_t i = static_cast<std::size_t>(skip); i < links.size(); ++i) out.push_back({links[i].issue_id, "T", "", "Todo", "", 1});
    return out;
}

std::vector<vibe::task> tasks_of(const std::vector<link>& links, int skip = 0) {
    std::vector<vibe::task> out;
    for (std::size_t i = static_cast<std::size_t>(skip); i < links.size(); ++i) out.push_back({*links[i].task_id, "T", {}, "todo", "", ""});
    return out;
}

deletion_verdict judge(const std::vector<link>& links, const std::vector<huly::issue>& issues, bool complete,
                       const std::vector<vibe::task>& tasks, std::optional<std::int64_t> issue_count = std::nullopt) {
    auto candidates = find_deletion_candidates(links, issues, complete, tasks);
    return judge_deletions(candidates, {issue_count, issues.size(), complete}, tasks.size(), {});
}

TEST(DeletionGuard, AnEmptyVibeListForSevenLinksIsNotTrusted) {
    auto links = live_links(7);
    auto verdict = judge(links, issues_of(links), true, {});
    EXPECT_FALSE(verdict.trusted);
    EXPECT_EQ(verdict.reason, "Vibe answered 0 tasks for 7 linked (7 missing): deletions not trusted");
}

TEST(DeletionGuard, AFewDeletionsOrASmallShareAreTrusted) {
    auto links = live_links(10);
    EXPECT_TRUE(judge(links, issues_of(links, 1), true, tasks_of(links)).trusted);   // 1 of 10
    EXPECT_TRUE(judge(links, issues_of(links), true, tasks_of(links, 5)).trusted);   // 5: not more than 5
    auto many = live_links(40);
    EXPECT_TRUE(judge(many, issues_of(many), true, tasks_of(many, 8)).trusted);      // 8 of 40: 20 %, not more
    EXPECT_FALSE(judge(many, issues_of(many), true, tasks_of(many, 9)).trusted);     // 9 of 40
    EXPECT_FALSE(judge(links, issues_of(links), true, tasks_of(links, 8)).trusted);  // 8 of 10
}

TEST(DeletionGuard, AHulyReadContradictingItsIssueCountIsNotTrusted) {
    auto links = live_links(4);
    auto verdict = judge(links, {}, true, tasks_of(links), 4);
    EXPECT_FALSE(verdict.trusted);
    EXPECT_EQ(verdict.reason, "Huly answered 0 issues while its project list counts 4: deletions not trusted");
    // The same count with nothing missing is not a deletion at all.
    EXPECT_TRUE(judge(links, issues_of(links), true, tasks_of(links), 9).trusted);
}

TEST(DeletionGuard, OnlyLiveLinksCountAndAnIncrementalReadDeletesNothingInHuly) {
    auto links = live_links(7);
    for (int i = 0; i < 6; ++i) links[static_cast<std::size_t>(i)].deleted_in_vibe = true;
    auto candidates = find_deletion_candidates(links, {}, false, {});
    EXPECT_EQ(candidates.live_links, 1u);
    EXPECT_TRUE(candidates.missing_issues.empty());
    EXPECT_EQ(candidates.missing_tasks, std::vector<std::string>{"t7"});
}

TEST(DeletionGuard, LimitsAreSettings) {
    auto links = live_links(10);
    auto candidates = find_deletion_candidates(links, issues_of(links), true, tasks_of(links, 2));
    EXPECT_TRUE(judge_deletions(candidates, {{}, 10, true}, 8, {}).trusted);
    EXPECT_FALSE(judge_deletions(candidates, {{}, 10, true}, 8, {1, 0.1}).trusted);
}

}  // namespace
}  // namespace hvs::sync
