#include "hvs/sync/status.hpp"
#include "hvs/sync/text.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

TEST(Marker, RoundTripsAndIsRemovedBeforeComparing) {
    auto described = with_marker("Fix the login\r\npage  ", "PROJ-12");
    EXPECT_EQ(described, "Fix the login\npage\n\n---\nHuly Issue: PROJ-12");
    EXPECT_EQ(marker_issue_id(described), "PROJ-12");
    EXPECT_EQ(strip_marker(described), "Fix the login\npage");
}

TEST(Marker, EmptyDescriptionsCarryTheSameMarker) {
    auto described = with_marker("", "A1B-7");
    EXPECT_EQ(marker_issue_id(described), "A1B-7");  // digits in the prefix are allowed
    EXPECT_EQ(strip_marker(described), "");
}

TEST(Marker, OnlyAMarkerAtTheEndCounts) {
    EXPECT_FALSE(marker_issue_id("text\n\n---\nHuly Issue: PROJ-1\nmore text"));
    EXPECT_FALSE(marker_issue_id("Synced from Huly: PROJ-1"));
    EXPECT_FALSE(marker_issue_id("text\n---\nHuly Issue: not an id"));
    EXPECT_EQ(strip_marker("hand-written task"), "hand-written task");
    EXPECT_EQ(marker_issue_id("x\r\n\r\n---\r\nHuly Issue: P-3\r\n"), "P-3");
}

TEST(IssueId, Shape) {
    EXPECT_TRUE(is_issue_id("PROJ-12"));
    EXPECT_TRUE(is_issue_id("P2-1"));
    EXPECT_FALSE(is_issue_id("PROJ-"));
    EXPECT_FALSE(is_issue_id("-12"));
    EXPECT_FALSE(is_issue_id("PR OJ-1"));
    EXPECT_FALSE(is_issue_id("PROJ-1a"));
}

TEST(Status, HulyNamesMapByMeaning) {
    EXPECT_EQ(vibe_status_of_huly("Backlog"), vibe::task_status::todo);
    EXPECT_EQ(vibe_status_of_huly("Todo"), vibe::task_status::todo);
    EXPECT_EQ(vibe_status_of_huly("To Do"), vibe::task_status::todo);
    EXPECT_EQ(vibe_status_of_huly("In Progress"), vibe::task_status::inprogress);
    EXPECT_EQ(vibe_status_of_huly("In Review"), vibe::task_status::inreview);
    EXPECT_EQ(vibe_status_of_huly("Done"), vibe::task_status::done);
    EXPECT_EQ(vibe_status_of_huly("Completed"), vibe::task_status::done);
    EXPECT_EQ(vibe_status_of_huly("Canceled"), vibe::task_status::cancelled);
    EXPECT_EQ(vibe_status_of_huly("Cancelled"), vibe::task_status::cancelled);
    EXPECT_EQ(vibe_status_of_huly("Something else"), vibe::task_status::todo);
}

TEST(Status, VibeStatusesParseExactly) {
    EXPECT_EQ(vibe::parse_task_status("inprogress"), vibe::task_status::inprogress);
    EXPECT_FALSE(vibe::parse_task_status("in_progress"));
    EXPECT_FALSE(vibe::parse_task_status("Done"));
    for (auto s : vibe::all_task_statuses) EXPECT_EQ(vibe::parse_task_status(to_string(s)), s);
}

TEST(Status, HulyNameForEachVibeStatusRoundTrips) {
    huly_status_names names;
    for (auto s : vibe::all_task_statuses) {
        auto name = huly_name_for(s, names, {});
        ASSERT_TRUE(name);
        EXPECT_EQ(vibe_status_of_huly(*name), s) << *name;
    }
}

TEST(Status, LearnedAvailabilityDecides) {
    huly_status_names names;
    std::set<std::string> workspace = {"Backlog", "In Progress", "Done", "Canceled"};
    EXPECT_EQ(huly_name_for(vibe::task_status::todo, names, workspace), "Backlog");  // no Todo here
    EXPECT_FALSE(huly_name_for(vibe::task_status::inreview, names, workspace));      // no In Review: cannot write
    EXPECT_EQ(huly_name_for(vibe::task_status::cancelled, names, {"canceled"}), "canceled");
}

}  // namespace
}  // namespace hvs::sync
