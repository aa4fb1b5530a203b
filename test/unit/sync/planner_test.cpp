// The decisions of one project's cycle, without any I/O.

#include "hvs/sync/planner.hpp"
#include "hvs/sync/text.hpp"

#include <gtest/gtest.h>

namespace hvs::sync {
namespace {

huly::issue issue(std::string id, std::string title, std::string status = "Todo", std::string description = "") {
    return {std::move(id), std::move(title), std::move(description), std::move(status), "NoPriority", 1000};
}

vibe::task task(std::string id, std::string title, std::string status, std::optional<std::string> description) {
    return {std::move(id), std::move(title), std::move(description), std::move(status), "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"};
}

// A link whose both sides and base agree on (title, description, status).
link synced(std::string issue_id, std::string task_id, std::string title, std::string huly_status,
            std::string description = "") {
    link l;
    l.issue_id = std::move(issue_id);
    l.project = "P";
    l.task_id = std::move(task_id);
    l.base_title = l.huly_title = l.vibe_title = title;
    l.base_description = l.huly_description = l.vibe_description = description;
    l.huly_status = huly_status;
    l.huly_priority = "NoPriority";
    l.huly_modified_ms = 1000;
    l.base_status = l.vibe_status = std::string(to_string(vibe_status_of_huly(huly_status)));
    return l;
}

// The Vibe task matching a synced link.
vibe::task task_of(const link& l) {
    return task(*l.task_id, *l.vibe_title, *l.vibe_status, with_marker(*l.vibe_description, l.issue_id));
}

huly::issue issue_of(const link& l) {
    return {l.issue_id, *l.huly_title, *l.huly_description, *l.huly_status, "NoPriority", 1000};
}

plan_settings defaults() { return plan_settings{}; }

TEST(Planner, NewIssuesBecomeTasksWithTheMarkerAndAFollowUpStatus) {
    plan_inputs in{"P", {issue("P-1", "First"), issue("P-2", "Second", "In Progress", "  body\r\n")}, true, {}, {}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.creates.size(), 2u);
    EXPECT_EQ(plan.creates[0].description, "---\nHuly Issue: P-1");
    EXPECT_FALSE(plan.creates[0].then_status);
    EXPECT_EQ(plan.creates[1].description, "body\n\n---\nHuly Issue: P-2");
    EXPECT_EQ(plan.creates[1].then_status, vibe::task_status::inprogress);
    EXPECT_EQ(plan.creates[1].on_success.base_status, "todo");  // what Vibe really holds after the create
    EXPECT_TRUE(plan.task_updates.empty());
}

TEST(Planner, DuplicateTitlesAreDifferentIssues) {
    plan_inputs in{"P", {issue("P-1", "Same"), issue("P-2", "Same")}, true, {}, {}};
    EXPECT_EQ(plan_project(in, defaults()).creates.size(), 2u);
}

TEST(Planner, AnIdleProjectWritesNothingAndChangesNoLink) {
    auto a = synced("P-1", "t1", "A", "In Progress", "desc");
    auto b = synced("P-2", "t2", "B", "Todo");
    plan_inputs in{"P", {issue_of(a), issue_of(b)}, true, {task_of(b), task_of(a)}, {a, b}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    ASSERT_EQ(plan.links.size(), 2u);
    EXPECT_EQ(plan.links[0], a);
    EXPECT_EQ(plan.links[1], b);
}

TEST(Planner, AHulyChangeGoesToVibeInOnePutWithEveryChangedField) {
    auto a = synced("P-1", "t1", "Old title", "Todo", "old");
    auto changed = issue_of(a);
    changed.title = "New title";
    changed.description = "new";
    changed.status = "Done";
    plan_inputs in{"P", {changed}, false, {task_of(a)}, {a}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.task_updates.size(), 1u);
    const auto& put = plan.task_updates[0];
    EXPECT_EQ(put.title, "New title");
    EXPECT_EQ(put.description, "new\n\n---\nHuly Issue: P-1");
    EXPECT_EQ(put.status, vibe::task_status::done);
    EXPECT_TRUE(plan.issue_updates.empty());
    // The base stays until the write is confirmed.
    EXPECT_EQ(plan.links[0].base_title, "Old title");
    link l = plan.links[0];
    confirm(l, put);
    EXPECT_EQ(l.base_title, "New title");
    EXPECT_EQ(l.base_description, "new");
    EXPECT_EQ(l.base_status, "done");
}

TEST(Planner, AVibeChangeGoesToHulyEvenWhenTheIssueWasNotInThisIncrementalRead) {
    auto a = synced("P-1", "t1", "Title", "Todo", "text");
    auto moved = task_of(a);
    moved.status = "inreview";
    moved.description = with_marker("edited in vibe", "P-1");
    plan_inputs in{"P", {}, false, {moved}, {a}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.issue_updates.size(), 2u);
    EXPECT_EQ(plan.issue_updates[0].field, "description");
    EXPECT_EQ(plan.issue_updates[0].value, "edited in vibe");
    EXPECT_EQ(plan.issue_updates[1].field, "status");
    EXPECT_EQ(plan.issue_updates[1].value, "In Review");
    EXPECT_TRUE(plan.task_updates.empty());
}

TEST(Planner, ConflictsGoToThePolicySide) {
    auto a = synced("P-1", "t1", "Base", "Todo");
    auto in_huly = issue_of(a);
    in_huly.title = "Huly says";
    auto in_vibe = task_of(a);
    in_vibe.title = "Vibe says";
    plan_inputs in{"P", {in_huly}, false, {in_vibe}, {a}};

    auto huly_wins = plan_project(in, defaults());
    EXPECT_EQ(huly_wins.conflicts, 1u);
    ASSERT_EQ(huly_wins.task_updates.size(), 1u);
    EXPECT_EQ(huly_wins.task_updates[0].title, "Huly says");

    plan_settings vibe_policy;
    vibe_policy.policy = winner::vibe;
    auto vibe_wins = plan_project(in, vibe_policy);
    ASSERT_EQ(vibe_wins.issue_updates.size(), 1u);
    EXPECT_EQ(vibe_wins.issue_updates[0].value, "Vibe says");
}

TEST(Planner, BothSidesChangedToTheSameValueOnlyMovesTheBase) {
    auto a = synced("P-1", "t1", "Base", "Todo");
    auto in_huly = issue_of(a);
    in_huly.status = "Done";
    auto in_vibe = task_of(a);
    in_vibe.status = "done";
    plan_inputs in{"P", {in_huly}, false, {in_vibe}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    EXPECT_EQ(plan.links[0].base_status, "done");
    EXPECT_EQ(plan.conflicts, 0u);
}

TEST(Planner, HandMadeTasksAreLeftAlone) {
    plan_inputs in{"P", {}, true, {task("t9", "made by hand", "inprogress", "no marker")}, {}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    EXPECT_TRUE(plan.links.empty());
}

TEST(Planner, AnIssueDeletedInHulyIsMarkedNeverRecreatedAndOptionallyCancelled) {
    auto a = synced("P-1", "t1", "Gone", "In Progress");
    plan_inputs in{"P", {}, true, {task_of(a)}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    ASSERT_EQ(plan.links.size(), 1u);
    EXPECT_TRUE(plan.links[0].deleted_in_huly);

    plan_settings cancel;
    cancel.cancel_on_huly_delete = true;
    auto cancelled = plan_project(in, cancel);
    ASSERT_EQ(cancelled.task_updates.size(), 1u);
    EXPECT_EQ(cancelled.task_updates[0].status, vibe::task_status::cancelled);

    // Once marked, later cycles leave it alone, even on incremental reads.
    plan_inputs later{"P", {}, false, {task_of(a)}, {plan.links[0]}};
    auto after = plan_project(later, cancel);
    EXPECT_TRUE(after.writes_nothing());
}

TEST(Planner, AnIncrementalReadNeverMarksDeletions) {
    auto a = synced("P-1", "t1", "Quiet", "Todo");
    plan_inputs in{"P", {}, false, {task_of(a)}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_FALSE(plan.links[0].deleted_in_huly);
}

TEST(Planner, ATaskDeletedInVibeIsMarkedAndNotRecreated) {
    auto a = synced("P-1", "t1", "Task gone", "Todo");
    auto changed = issue_of(a);
    changed.title = "Renamed after deletion";
    plan_inputs in{"P", {changed}, true, {}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    EXPECT_TRUE(plan.links[0].deleted_in_vibe);
}

TEST(Planner, ALostDatabaseRelinksByMarkerInsteadOfDuplicating) {
    auto existing = task("t1", "Title", "inprogress", with_marker("desc", "P-1"));
    plan_inputs in{"P", {issue("P-1", "Title", "In Progress", "desc")}, true, {existing}, {}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.creates.empty());
    EXPECT_TRUE(plan.writes_nothing());
    EXPECT_EQ(plan.relinked, 1u);
    ASSERT_EQ(plan.links.size(), 1u);
    EXPECT_EQ(plan.links[0].task_id, "t1");
    EXPECT_EQ(plan.links[0].base_status, "inprogress");
}

TEST(Planner, TodoStaysTodoAndBacklogIsTheSameCategory) {
    auto a = synced("P-1", "t1", "T", "Todo");
    auto backlog = issue_of(a);
    backlog.status = "Backlog";
    plan_inputs in{"P", {backlog}, false, {task_of(a)}, {a}};
    EXPECT_TRUE(plan_project(in, defaults()).writes_nothing());
}

TEST(Planner, CancelledInVibeBecomesCanceledInHuly) {
    auto a = synced("P-1", "t1", "T", "In Progress");
    auto cancelled = task_of(a);
    cancelled.status = "cancelled";
    plan_inputs in{"P", {issue_of(a)}, false, {cancelled}, {a}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.issue_updates.size(), 1u);
    EXPECT_EQ(plan.issue_updates[0].value, "Canceled");
    link l = plan.links[0];
    confirm(l, plan.issue_updates[0]);
    EXPECT_EQ(l.base_status, "cancelled");
    EXPECT_EQ(l.huly_status, "Canceled");
}

TEST(Planner, AStatusHulyRefusedIsNotSentAgain) {
    auto a = synced("P-1", "t1", "T", "Todo");
    a.rejected_status = "In Review";
    auto review = task_of(a);
    review.status = "inreview";
    plan_inputs in{"P", {issue_of(a)}, false, {review}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.issue_updates.empty());
    EXPECT_EQ(plan.unwritable_statuses, 1u);
    // And once Huly's catalogue is known, an impossible status is not attempted at all.
    a.rejected_status.reset();
    plan_settings known;
    known.available_statuses = {"Backlog", "Todo", "In Progress", "Done", "Canceled"};
    in.links = {a};
    EXPECT_TRUE(plan_project(in, known).issue_updates.empty());
}

TEST(Planner, AFailedWriteIsPlannedAgainNotReverted) {
    auto a = synced("P-1", "t1", "T", "Todo");
    auto changed = issue_of(a);
    changed.status = "Done";
    plan_inputs first{"P", {changed}, false, {task_of(a)}, {a}};
    auto plan = plan_project(first, defaults());
    ASSERT_EQ(plan.task_updates.size(), 1u);
    // The PUT failed: the stored link is plan.links[0] without confirm(). Next cycle, Huly's
    // issue is not in the incremental read; the stored observation still carries the change.
    plan_inputs second{"P", {}, false, {task_of(a)}, {plan.links[0]}};
    auto retry = plan_project(second, defaults());
    ASSERT_EQ(retry.task_updates.size(), 1u);
    EXPECT_EQ(retry.task_updates[0].status, vibe::task_status::done);
    EXPECT_TRUE(retry.issue_updates.empty());  // never flips Huly back
}

TEST(Planner, AnUnconfirmedCreateIsRelinkedWithItsBasesSoVibeChangesSurvive) {
    // The create's intent (bases from Huly, no task id) was stored, then the process died after
    // Vibe applied the create; meanwhile someone moved the task to done in Vibe.
    link intent;
    intent.issue_id = "P-1";
    intent.project = "P";
    intent.base_title = intent.huly_title = "T";
    intent.base_description = intent.huly_description = "";
    intent.huly_status = "Todo";
    intent.base_status = "todo";
    auto moved = task("t1", "T", "done", with_marker("", "P-1"));
    plan_inputs in{"P", {issue("P-1", "T", "Todo")}, false, {moved}, {intent}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.creates.empty());
    EXPECT_EQ(plan.relinked, 1u);
    ASSERT_EQ(plan.issue_updates.size(), 1u);
    EXPECT_EQ(plan.issue_updates[0].value, "Done");  // Vibe's change goes to Huly, not the reverse
    EXPECT_TRUE(plan.task_updates.empty());
}

TEST(Planner, AnUnconfirmedCreateThatNeverLandedIsCreatedAgain) {
    link intent;
    intent.issue_id = "P-1";
    intent.project = "P";
    intent.base_title = intent.huly_title = "T";
    intent.base_status = "todo";
    plan_inputs in{"P", {issue("P-1", "T", "Todo")}, false, {}, {intent}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.creates.size(), 1u);
    EXPECT_EQ(plan.creates[0].issue_id, "P-1");
}

TEST(Planner, ARemovedMarkerIsRestored) {
    auto a = synced("P-1", "t1", "T", "Todo", "text");
    auto stripped = task_of(a);
    stripped.description = "text";
    plan_inputs in{"P", {issue_of(a)}, false, {stripped}, {a}};
    auto plan = plan_project(in, defaults());
    ASSERT_EQ(plan.task_updates.size(), 1u);
    EXPECT_EQ(plan.task_updates[0].description, "text\n\n---\nHuly Issue: P-1");
}

TEST(Planner, AnIssueMarkedDeletedThatReappearsIsRelinkedAndItsCancelledTaskRestored) {
    auto a = synced("P-1", "t1", "Back", "In Progress");
    plan_settings cancel;
    cancel.cancel_on_huly_delete = true;
    plan_inputs gone{"P", {}, true, {task_of(a)}, {a}};
    auto deleted = plan_project(gone, cancel);
    ASSERT_EQ(deleted.task_updates.size(), 1u);
    link marked = deleted.links[0];
    EXPECT_EQ(marked.status_before_cancel, "inprogress");
    confirm(marked, deleted.task_updates[0]);
    EXPECT_EQ(marked.vibe_status, "cancelled");

    auto cancelled_task = task_of(a);
    cancelled_task.status = "cancelled";
    plan_inputs back{"P", {issue_of(a)}, true, {cancelled_task}, {marked}};
    auto plan = plan_project(back, cancel);
    EXPECT_EQ(plan.relinked, 1u);
    EXPECT_TRUE(plan.issue_updates.empty()) << "the cancel is not carried to Huly";
    ASSERT_EQ(plan.task_updates.size(), 1u);
    EXPECT_EQ(plan.task_updates[0].status, vibe::task_status::inprogress);
    ASSERT_EQ(plan.links.size(), 1u);
    EXPECT_FALSE(plan.links[0].deleted_in_huly);
    link restored = plan.links[0];
    confirm(restored, plan.task_updates[0]);
    EXPECT_EQ(restored.vibe_status, "inprogress");
    EXPECT_FALSE(restored.status_before_cancel);

    // Edits cross again afterwards.
    auto renamed = issue_of(a);
    renamed.title = "Renamed";
    auto task_now = task_of(a);
    plan_inputs later{"P", {renamed}, false, {task_now}, {restored}};
    auto after = plan_project(later, cancel);
    ASSERT_EQ(after.task_updates.size(), 1u);
    EXPECT_EQ(after.task_updates[0].title, "Renamed");
}

TEST(Planner, ATaskMarkedDeletedThatReappearsIsRelinkedAndSynced) {
    auto a = synced("P-1", "t1", "Lost once", "Todo");
    a.deleted_in_vibe = true;
    auto renamed = issue_of(a);
    renamed.title = "Renamed meanwhile";
    plan_inputs in{"P", {renamed}, true, {task_of(a)}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_EQ(plan.relinked, 1u);
    ASSERT_EQ(plan.links.size(), 1u);
    EXPECT_FALSE(plan.links[0].deleted_in_vibe);
    ASSERT_EQ(plan.task_updates.size(), 1u);
    EXPECT_EQ(plan.task_updates[0].title, "Renamed meanwhile");
}

TEST(Planner, AMarkedLinkStaysMarkedWhileItsItemIsAbsent) {
    auto a = synced("P-1", "t1", "Gone", "Todo");
    a.deleted_in_vibe = true;
    plan_inputs in{"P", {issue_of(a)}, true, {}, {a}};
    auto plan = plan_project(in, defaults());
    EXPECT_TRUE(plan.writes_nothing());
    EXPECT_TRUE(plan.links[0].deleted_in_vibe);
    EXPECT_EQ(plan.relinked, 0u);
}

}  // namespace
}  // namespace hvs::sync
