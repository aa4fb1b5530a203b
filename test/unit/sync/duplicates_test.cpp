// Which of several tasks carrying one issue's marker stays, and what it takes over.

#include "hvs/sync/duplicates.hpp"
#include "hvs/sync/text.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

vibe::task task(std::string id, std::string issue, std::string status, std::string created, std::string updated,
               std::string title = "Title", std::string body = "body") {
    return vibe::task{std::move(id), std::move(title), with_marker(body, issue), std::move(status), std::move(created),
                     std::move(updated)};
}

link linked(std::string issue, std::string task_id) {
    link l;
    l.issue_id = std::move(issue);
    l.project = "P";
    l.task_id = std::move(task_id);
    l.base_title = "Title";
    l.base_description = "body";
    l.base_status = "todo";
    return l;
}

TEST(DuplicateRepairs, OneTaskPerMarkerIsNoDuplicate) {
    std::vector<vibe::task> tasks{task("a", "P-1", "todo", "1", "1"), task("b", "P-2", "todo", "1", "1"),
                                 vibe::task{"c", "by hand", std::nullopt, "todo", "1", "1"}};
    EXPECT_TRUE(plan_duplicate_repairs(tasks, {}).empty());
}

TEST(DuplicateRepairs, TheLinkedTaskStaysAndTakesOverAStatusChangedOnAnother) {
    std::vector<vibe::task> tasks{task("old", "P-1", "todo", "2026-01-01", "2026-01-01"),
                                 task("linked", "P-1", "todo", "2026-01-02", "2026-01-02"),
                                 task("moved", "P-1", "done", "2026-01-03", "2026-01-05")};
    auto repairs = plan_duplicate_repairs(tasks, {linked("P-1", "linked")});
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_EQ(repairs[0].issue_id, "P-1");
    EXPECT_EQ(repairs[0].keep, "linked");
    EXPECT_EQ(repairs[0].remove, (std::vector<std::string>{"moved", "old"}));
    ASSERT_TRUE(repairs[0].status);
    EXPECT_EQ(*repairs[0].status, vibe::task_status::done);
    EXPECT_FALSE(repairs[0].title);
    EXPECT_FALSE(repairs[0].description);
    EXPECT_EQ(surplus_tasks(repairs), 2u);
}

TEST(DuplicateRepairs, AChangeOnTheKeptTaskWinsOverTheOthers) {
    std::vector<vibe::task> tasks{task("linked", "P-1", "inprogress", "1", "1"), task("other", "P-1", "done", "2", "2")};
    auto repairs = plan_duplicate_repairs(tasks, {linked("P-1", "linked")});
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_FALSE(repairs[0].status);
}

TEST(DuplicateRepairs, AmongSeveralChangesTheMostRecentlyUpdatedTaskWins) {
    std::vector<vibe::task> tasks{task("linked", "P-1", "todo", "1", "1"),
                                 task("earlier", "P-1", "inreview", "2", "2026-02-01", "Renamed early"),
                                 task("later", "P-1", "done", "3", "2026-03-01", "Renamed late", "new body")};
    auto repairs = plan_duplicate_repairs(tasks, {linked("P-1", "linked")});
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_EQ(repairs[0].status, vibe::task_status::done);
    EXPECT_EQ(repairs[0].title, "Renamed late");
    EXPECT_EQ(repairs[0].description, "new body");
}

TEST(DuplicateRepairs, WithoutALinkTheOldestStaysAndNothingIsCarried) {
    std::vector<vibe::task> tasks{task("second", "P-1", "done", "2026-01-02", "2"),
                                 task("first", "P-1", "todo", "2026-01-01", "1")};
    auto repairs = plan_duplicate_repairs(tasks, {});
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_EQ(repairs[0].keep, "first");
    EXPECT_EQ(repairs[0].remove, std::vector<std::string>{"second"});
    EXPECT_FALSE(repairs[0].status);
}

TEST(DuplicateRepairs, ALinkToATaskThatIsGoneKeepsTheOldest) {
    std::vector<vibe::task> tasks{task("b", "P-1", "todo", "2", "2"), task("a", "P-1", "todo", "1", "1")};
    auto repairs = plan_duplicate_repairs(tasks, {linked("P-1", "deleted-long-ago")});
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_EQ(repairs[0].keep, "a");
}

}  // namespace
}  // namespace hvs::sync
