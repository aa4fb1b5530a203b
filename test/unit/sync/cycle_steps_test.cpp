// The pure steps of one project's cycle around the planner (sync/cycle_steps.hpp).

#include "hvs/sync/cycle_steps.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

store::project_row row_with_watermark(std::optional<std::int64_t> watermark, std::int64_t cycles_since_full) {
    store::project_row row;
    row.identifier = "WEB";
    row.watermark_ms = watermark;
    row.cycles_since_full = cycles_since_full;
    return row;
}

huly::issue issue_modified_at(std::int64_t ms) {
    huly::issue issue;
    issue.id = "WEB-1";
    issue.modified_ms = ms;
    return issue;
}

link link_of(const std::string& issue_id, const std::string& base_title) {
    link l;
    l.issue_id = issue_id;
    l.task_id = "task-" + issue_id;
    l.base_title = base_title;
    return l;
}

TEST(ReadScope, IncrementalSinceTheWatermarkWithTheDefaultLimit) {
    auto scope = choose_read_scope(row_with_watermark(5000, 3), 20, true, 12);
    EXPECT_FALSE(scope.full);
    EXPECT_EQ(scope.since, 5000);
    EXPECT_EQ(scope.limit, default_issue_limit);
    EXPECT_EQ(scope.full_limit, 1020u);  // the count and room for 1000 more
}

TEST(ReadScope, FullWithoutWatermarkWithoutIncrementalOrWhenTheCountdownEnds) {
    for (auto scope : {choose_read_scope(row_with_watermark(std::nullopt, 0), 20, true, 12),
                       choose_read_scope(row_with_watermark(5000, 0), 20, false, 12),
                       choose_read_scope(row_with_watermark(5000, 11), 20, true, 12)}) {
        EXPECT_TRUE(scope.full);
        EXPECT_FALSE(scope.since);
        EXPECT_EQ(scope.limit, scope.full_limit);
    }
    EXPECT_FALSE(choose_read_scope(row_with_watermark(5000, 10), 20, true, 12).full);
}

TEST(ReadScope, TheFullLimitLeavesRoomAboveTheProjectsIssueCount) {
    EXPECT_EQ(choose_read_scope(row_with_watermark(std::nullopt, 0), 5000, true, 12).limit, 6000u);
}

TEST(SkipsEmptyProject, OnlyWhenAskedMirroredAndEmptyNowAndBefore) {
    auto mirrored = row_with_watermark(1, 0);
    mirrored.vibe_id = "vibe-1";
    EXPECT_TRUE(skips_empty_project(true, mirrored, 0, false));
    EXPECT_FALSE(skips_empty_project(false, mirrored, 0, false));
    EXPECT_FALSE(skips_empty_project(true, std::nullopt, 0, false));
    EXPECT_FALSE(skips_empty_project(true, row_with_watermark(1, 0), 0, false));  // never mirrored
    EXPECT_FALSE(skips_empty_project(true, mirrored, 1, false));
    EXPECT_FALSE(skips_empty_project(true, mirrored, 0, true));
    auto had_issues = mirrored;
    had_issues.issue_count = 2;
    EXPECT_FALSE(skips_empty_project(true, had_issues, 0, false));
}

TEST(NextWatermark, TheNewestModifiedOnCappedByTheServersClockNeverBack) {
    std::vector<huly::issue> issues{issue_modified_at(3000), issue_modified_at(9000), issue_modified_at(4000)};
    EXPECT_EQ(next_watermark(std::nullopt, issues, std::nullopt), 9000);
    EXPECT_EQ(next_watermark(12000, issues, std::nullopt), 12000);
    EXPECT_EQ(next_watermark(2000, issues, 7000), 7000);  // a writer's clock ran ahead of the server's
    EXPECT_EQ(next_watermark(std::nullopt, {}, std::nullopt), 0);
}

TEST(CreateIntents, CarryTheLinksBasesWithoutATaskId) {
    task_create create;
    create.issue_id = "WEB-1";
    create.on_success = link_of("WEB-1", "Checkout bug");
    auto intents = create_intents({create});
    ASSERT_EQ(intents.size(), 1u);
    EXPECT_FALSE(intents[0].task_id);
    EXPECT_EQ(intents[0].base_title, "Checkout bug");
}

TEST(ChangedLinks, OnlyNewOrDifferentLinks) {
    std::vector<link> stored{link_of("WEB-1", "a"), link_of("WEB-2", "b")};
    std::vector<link> now{link_of("WEB-1", "a"), link_of("WEB-2", "b2"), link_of("WEB-3", "c")};
    auto changed = changed_links(stored, now);
    ASSERT_EQ(changed.size(), 2u);
    EXPECT_EQ(changed[0].issue_id, "WEB-2");
    EXPECT_EQ(changed[1].issue_id, "WEB-3");
    EXPECT_TRUE(changed_links(stored, stored).empty());
}

TEST(SettledRow, SuccessMovesTheWatermarkAndClearsTheError) {
    auto row = row_with_watermark(1000, 4);
    row.last_error = "earlier";
    auto after = settled_row(row, std::nullopt, false, 5000, "2026-12-04T16:00:00.000Z");
    EXPECT_EQ(after.watermark_ms, 5000);
    EXPECT_EQ(after.cycles_since_full, 5);
    EXPECT_EQ(after.last_success_at, "2026-12-04T16:00:00.000Z");
    EXPECT_FALSE(after.last_error);
    EXPECT_EQ(settled_row(row, std::nullopt, true, 5000, "t").cycles_since_full, 0);
    EXPECT_EQ(settled_row(row_with_watermark(std::nullopt, 0), std::nullopt, true, 0, "t").watermark_ms, std::nullopt);
}

TEST(SettledRow, AFailureKeepsTheWatermarkAndRecordsWhy) {
    auto failure = writes_failure({"create WEB-1: timeout: x", "update WEB-2 title: closed: y"});
    ASSERT_TRUE(failure);
    EXPECT_EQ(*failure, "2 writes failed, first: create WEB-1: timeout: x");
    EXPECT_FALSE(writes_failure({}));
    auto after = settled_row(row_with_watermark(1000, 4), failure, true, 5000, "t");
    EXPECT_EQ(after.watermark_ms, 1000);
    EXPECT_EQ(after.cycles_since_full, 4);
    EXPECT_FALSE(after.last_success_at);
    EXPECT_EQ(after.last_error, *failure);
}

}  // namespace
}  // namespace hvs::sync
