// Whole cycles of the sync engine against the simulators: first sync, changes on either side,
// identity, deletions, conflicts, statuses, faults and restarts. Assertions are on final state.

#include "integration/sync/engine_fixture.hpp"

#include "hvs/sync/text.hpp"

#include "support/hosts_answered.hpp"

namespace hvs::test {
namespace {

using namespace std::chrono_literals;

// Every first-sync test runs against each simulated Vibe generation it can work with.
class FirstSync : public EngineTest, public ::testing::WithParamInterface<sim::vibe_generation> {
protected:
    FirstSync() { vibe_generation_ = GetParam(); }
    [[nodiscard]] bool multi_repo() const { return vibe_generation_ == sim::vibe_generation::multi_repo; }
    void SetUp() override {
        EngineTest::SetUp();
        huly_.add_project("WEB", "Web", "Path: /nowhere/web");
        huly_.add_project("OPS", "Ops", "");
        web1_ = huly_.add_issue("WEB", "Checkout bug", "Seen on iOS.", "Todo", "High");
        web2_ = huly_.add_issue("WEB", "Apple Pay", "", "In Progress");
        web3_ = huly_.add_issue("WEB", "Old coupon", "", "Canceled");
        ops1_ = huly_.add_issue("OPS", "Backups", "nightly", "Done");
    }
    std::string web1_, web2_, web3_, ops1_;
};

TEST_P(FirstSync, CreatesProjectsTasksMarkersAndStatuses) {
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(outcome.record.tasks_created, 4);
    ASSERT_TRUE(vibe_project_named("Web"));
    ASSERT_TRUE(vibe_project_named("Ops"));
    EXPECT_EQ(vibe_project_named("Web")->git_repo_path, cfg_.stacks_dir + "/huly-sync-placeholders/WEB");

    auto t1 = task_for("Web", web1_);
    ASSERT_TRUE(t1);
    EXPECT_EQ(t1->title, "Checkout bug");
    EXPECT_EQ(t1->description, "Seen on iOS.\n\n---\nHuly Issue: " + web1_);
    EXPECT_EQ(t1->status, "todo");
    EXPECT_EQ(task_for("Web", web2_)->status, "inprogress");  // set by the follow-up PUT
    EXPECT_EQ(task_for("Web", web3_)->status, "cancelled");
    EXPECT_EQ(task_for("Ops", ops1_)->status, "done");
    EXPECT_EQ(tasks_of("Web").size(), 3u);
}

TEST_P(FirstSync, ASecondIdleCycleWritesNothingAndReadsTwicePerProject) {
    ASSERT_TRUE(cycle().ok);
    reset_counts();
    auto idle = cycle();
    ASSERT_TRUE(idle.ok);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
    EXPECT_EQ(writes_to(*vibe_host_), 0u);
    // One project list per upstream, then one Huly and one Vibe read per project (multi-repo: and
    // each project's repositories, where its path lives).
    EXPECT_EQ(reads_from(*huly_host_), 1u + 2u);
    EXPECT_EQ(reads_from(*vibe_host_), 1u + 2u + (multi_repo() ? 2u : 0u));
}

TEST_P(FirstSync, AChangeOnEitherSideReachesTheOtherAndNothingElseIsWritten) {
    ASSERT_TRUE(cycle().ok);
    huly_.edit_issue(web1_, "title", boost::json::value("Checkout button bug"));
    auto web2_task = task_for("Web", web2_);
    vibe_update(web2_task->id, {{}, {}, vibe::task_status::inreview});
    huly_.set_statuses({"Backlog", "Todo", "In Progress", "In Review", "Done", "Canceled"});
    reset_counts();

    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(writes_to(*vibe_host_), 1u);  // the renamed task
    EXPECT_EQ(writes_to(*huly_host_), 1u);  // the status that moved in Vibe
    EXPECT_EQ(task_for("Web", web1_)->title, "Checkout button bug");
    EXPECT_EQ(huly_.issue(web2_)->at("status").as_string(), "In Review");

    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*vibe_host_) + writes_to(*huly_host_), 0u);  // and nothing ping-pongs back
}

TEST_P(FirstSync, DescriptionsTravelBothWaysWithoutTheMarker) {
    ASSERT_TRUE(cycle().ok);
    auto t = task_for("Ops", ops1_);
    vibe_update(t->id, {{}, sync::with_marker("nightly, kept 30 days", ops1_), {}});
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(huly_.issue(ops1_)->at("description").as_string(), "nightly, kept 30 days");
    huly_.edit_issue(ops1_, "description", boost::json::value("weekly now"));
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(task_for("Ops", ops1_)->description, "weekly now\n\n---\nHuly Issue: " + ops1_);
}

TEST_P(FirstSync, DuplicateTitlesAndHandMadeTasksKeepTheirIdentity) {
    ASSERT_TRUE(cycle().ok);
    auto twin = huly_.add_issue("WEB", "Checkout bug", "another one", "Todo");
    auto hand = vibe_hand_made_task("Web", "Made in Vibe");
    ASSERT_TRUE(cycle().ok);
    EXPECT_TRUE(task_for("Web", twin));
    EXPECT_NE(task_for("Web", twin)->id, task_for("Web", web1_)->id);
    auto tasks = tasks_of("Web");
    EXPECT_EQ(tasks.size(), 5u);  // 4 from issues + the hand-made one, which is left alone
    auto hand_task = std::find_if(tasks.begin(), tasks.end(), [&](auto& t) { return t.id == hand; });
    ASSERT_NE(hand_task, tasks.end());
    EXPECT_EQ(hand_task->description, "made by hand");
}

TEST_P(FirstSync, ConflictsGoToHulyByDefault) {
    ASSERT_TRUE(cycle().ok);
    huly_.edit_issue(web1_, "title", boost::json::value("Huly title"));
    vibe_update(task_for("Web", web1_)->id, {std::string("Vibe title"), {}, {}});
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok);
    EXPECT_EQ(outcome.record.conflicts, 1);
    EXPECT_EQ(task_for("Web", web1_)->title, "Huly title");
    EXPECT_EQ(huly_.issue(web1_)->at("title").as_string(), "Huly title");
}

TEST_P(FirstSync, TodoStaysTodoAndCanceledRoundTrips) {
    ASSERT_TRUE(cycle().ok);
    vibe_update(task_for("Web", web1_)->id, {{}, {}, vibe::task_status::cancelled});
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(huly_.issue(web1_)->at("status").as_string(), "Canceled");
    vibe_update(task_for("Web", web1_)->id, {{}, {}, vibe::task_status::todo});
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(huly_.issue(web1_)->at("status").as_string(), "Todo");
    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
}

TEST_P(FirstSync, AStatusHulyRefusesIsLearnedAndNotRetriedEveryCycle) {
    ASSERT_TRUE(cycle().ok);  // the default catalogue has no "In Review"
    vibe_update(task_for("Web", web2_)->id, {{}, {}, vibe::task_status::inreview});
    auto refused = cycle();
    EXPECT_TRUE(refused.ok);  // a refusal is recorded, not a failure to retry
    EXPECT_EQ(huly_.issue(web2_)->at("status").as_string(), "In Progress");
    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
    EXPECT_EQ(task_for("Web", web2_)->status, "inreview");  // Vibe is not flipped back either
}

TEST_P(FirstSync, DeletionsAreMarkedAndNeverRecreated) {
    cfg_.full_sync_every = 1;  // every cycle reads every issue
    start_service();
    ASSERT_TRUE(cycle().ok);
    auto deleted_task = task_for("Web", web2_)->id;
    vibe_delete_task(deleted_task);
    huly_.delete_issue(web3_);
    ASSERT_TRUE(cycle().ok);
    ASSERT_TRUE(cycle().ok);
    EXPECT_FALSE(task_for("Web", web2_));        // not re-created
    EXPECT_TRUE(task_for("Web", web3_));         // ON_HULY_DELETE=keep leaves the task
    EXPECT_EQ(tasks_of("Web").size(), 2u);
}

TEST_P(FirstSync, AFailedListCreatesNothing) {
    ASSERT_TRUE(cycle().ok);
    huly_.add_issue("WEB", "New while Vibe is down", "", "Todo");
    vibe_host_->inject({.route = "*", .kind = sim::fault_kind::error, .count = 1000});
    auto failed = cycle();
    EXPECT_FALSE(failed.ok);
    vibe_host_->clear_faults();
    EXPECT_EQ(tasks_of("Web").size(), 3u);
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(tasks_of("Web").size(), 4u);
}

TEST_P(FirstSync, AFailedWriteIsRetriedNextCycleAndConverges) {
    ASSERT_TRUE(cycle().ok);
    huly_.edit_issue(web1_, "status", boost::json::value("Done"));
    vibe_host_->inject({.route = "PUT /api/tasks/{id}", .kind = sim::fault_kind::error, .count = 2});
    auto failed = cycle();
    EXPECT_FALSE(failed.ok);
    EXPECT_EQ(task_for("Web", web1_)->status, "todo");
    EXPECT_EQ(huly_.issue(web1_)->at("status").as_string(), "Done");  // never flipped back
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(task_for("Web", web1_)->status, "done");
}

TEST_P(FirstSync, ACreateThatTimedOutAfterTheServerAppliedItIsNotDuplicated) {
    cfg_.http_timeout = 300ms;
    start_service();
    vibe_host_->inject({.route = "POST /api/tasks", .kind = sim::fault_kind::stall, .count = 1, .stall = 600ms});
    auto first = cycle();
    EXPECT_FALSE(first.ok);
    ASSERT_TRUE(hvs::test::run_until_answered(ioc_, {vibe_host_.get()}));  // the stalled create lands
    ASSERT_TRUE(cycle().ok);
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(tasks_of("Web").size(), 3u);
    EXPECT_EQ(tasks_of("Ops").size(), 1u);
}

TEST_P(FirstSync, ALostDatabaseRelinksInsteadOfDuplicating) {
    ASSERT_TRUE(cycle().ok);
    rt_.reset();
    lose_state();
    start_service();
    auto again = cycle();
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_EQ(again.record.tasks_created, 0);
    EXPECT_EQ(tasks_of("Web").size(), 3u);
    EXPECT_EQ(vibe_projects().size(), 2u);  // projects adopted by name
}

TEST_P(FirstSync, OneWorkerAndSixteenEndInTheSameState) {
    for (int i = 0; i < 6; ++i) {
        auto id = "P" + std::to_string(i);
        huly_.add_project(id, "Project " + id, "");
        for (int n = 0; n < 5; ++n) huly_.add_issue(id, "Issue " + std::to_string(n), "d", n % 2 ? "Done" : "Todo");
    }
    cfg_.max_workers = 1;
    start_service();
    ASSERT_TRUE(cycle().ok);
    std::map<std::string, std::string> sequential;
    for (const auto& p : vibe_projects()) {
        for (const auto& t : tasks_of(p.name)) sequential[p.name + "/" + t.title + "/" + t.status] += "x";
    }

    // The same world from scratch, synced with 16 workers.
    huly_.seed(boost::json::object{});
    vibe_.seed(boost::json::object{});
    rt_.reset();
    lose_state();
    huly_.add_project("WEB", "Web", "Path: /nowhere/web");
    huly_.add_project("OPS", "Ops", "");
    huly_.add_issue("WEB", "Checkout bug", "Seen on iOS.", "Todo", "High");
    huly_.add_issue("WEB", "Apple Pay", "", "In Progress");
    huly_.add_issue("WEB", "Old coupon", "", "Canceled");
    huly_.add_issue("OPS", "Backups", "nightly", "Done");
    for (int i = 0; i < 6; ++i) {
        auto id = "P" + std::to_string(i);
        huly_.add_project(id, "Project " + id, "");
        for (int n = 0; n < 5; ++n) huly_.add_issue(id, "Issue " + std::to_string(n), "d", n % 2 ? "Done" : "Todo");
    }
    cfg_.max_workers = 16;
    start_service();
    ASSERT_TRUE(cycle().ok);
    std::map<std::string, std::string> concurrent;
    for (const auto& p : vibe_projects()) {
        for (const auto& t : tasks_of(p.name)) concurrent[p.name + "/" + t.title + "/" + t.status] += "x";
    }
    EXPECT_EQ(sequential, concurrent);
    EXPECT_EQ(concurrent.size(), 6u * 5u + 4u);
}

TEST_P(FirstSync, DryRunPlansAndWritesNothing) {
    cfg_.dry_run = true;
    start_service();
    auto outcome = cycle();
    EXPECT_TRUE(outcome.ok);
    EXPECT_EQ(writes_to(*vibe_host_), 0u);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
    EXPECT_TRUE(vibe_projects().empty());
    EXPECT_GT(outcome.projects[0].planned_writes, 0u);
}

INSTANTIATE_TEST_SUITE_P(VibeGenerations, FirstSync,
                         ::testing::Values(sim::vibe_generation::v0_0_71, sim::vibe_generation::multi_repo),
                         vibe_generation_test_name);

// The same first sync, with the real Vibe Kanban 0.0.71 server as the Vibe side.
class FirstSyncWithRealVibe : public EngineTest {
protected:
    FirstSyncWithRealVibe() { use_real_vibe_ = true; }
};

TEST_F(FirstSyncWithRealVibe, CreatesProjectsTasksMarkersAndStatusesThenIdles) {
    // The real server keeps its projects between tests: make the names unique to this run.
    auto suffix = dir_.filename().string();
    huly_.add_project("REAL", "Real " + suffix, "");
    auto a = huly_.add_issue("REAL", "First", "one", "In Progress");
    auto b = huly_.add_issue("REAL", "Second", "", "Done");
    cfg_.max_workers = 4;
    start_service();
    auto first = cycle();
    ASSERT_TRUE(first.ok) << first.error;
    auto name = "Real " + suffix;
    ASSERT_TRUE(vibe_project_named(name));
    EXPECT_EQ(task_for(name, a)->status, "inprogress");
    EXPECT_EQ(task_for(name, a)->description, "one\n\n---\nHuly Issue: " + a);
    EXPECT_EQ(task_for(name, b)->status, "done");

    vibe_update(task_for(name, b)->id, {std::string("Second, renamed in Vibe"), {}, {}});
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(huly_.issue(b)->at("title").as_string(), "Second, renamed in Vibe");
    huly_host_->reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
    EXPECT_EQ(tasks_of(name).size(), 2u);
}

}  // namespace
}  // namespace hvs::test
