// Issue 12, item 1, through the real binary: one empty or contradicting list answer must not cut a
// project off. A read that would remove more than DELETION_GUARD_MIN links and more than
// DELETION_GUARD_RATIO of them, or that contradicts Huly's issueCount, marks nothing deleted and
// fails the project (`once` exits 1 with the reason) unless a second read and single fetches
// confirm it; a real mass deletion is recorded after that confirmation; deletion marks are
// reversible and a task cancelled by ON_HULY_DELETE=cancel is restored when its issue comes back.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

constexpr const char* vibe_tasks_route = "GET /api/tasks";
constexpr const char* vibe_task_route = "GET /api/tasks/{id}";
constexpr const char* huly_issues_route = "GET /api/projects/{id}/issues";

class DeletionGuard : public FaultTest {
protected:
    void SetUp() override {
        FaultTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        rt_.reset();  // the binary owns the database
        env_ = cli_env();
        env_["INCREMENTAL_SYNC"] = "false";  // every cycle reads every issue: deletions are visible
        env_["MAX_WORKERS"] = "1";
    }

    cli_run once() {
        auto run = run_cli({"once"}, env_, ioc_);
        said_ = run.out + run.err;
        return run;
    }

    void add_web_issues(int up_to) {
        for (int i = 3; i <= up_to; ++i) huly_.add_issue("WEB", "Web issue " + std::to_string(i), "", "Todo");
    }

    // The Vibe project of Huly project "Web", and its tasks by marker.
    std::string web_vibe_id() {
        const auto state = vibe_.state();
        for (const auto& p : state.at("projects").as_array()) {
            if (p.at("name") == "Web") return std::string(p.at("id").as_string());
        }
        return {};
    }
    std::map<std::string, boost::json::object> web_tasks_by_issue() {
        std::map<std::string, boost::json::object> out;
        auto by_project = vibe_tasks_by_project();  // named: a temporary would die before the loop ran
        for (const auto& t : by_project["Web"]) {
            const auto* d = t.if_contains("description");
            if (auto marker = d && d->is_string() ? sync::marker_issue_id(d->as_string()) : std::nullopt) out[*marker] = t;
        }
        return out;
    }
    std::string huly_title(const std::string& identifier) {
        const auto state = huly_.state();
        for (const auto& p : state.at("projects").as_array()) {
            for (const auto& i : p.at("issues").as_array()) {
                if (i.at("identifier").as_string() == identifier) return std::string(i.at("title").as_string());
            }
        }
        return {};
    }

    // Rewrites only the answers about `needle` (a Vibe project id or a Huly identifier in the
    // target); the others pass unchanged.
    static scripted_simulator::rewrite_fn only_for(std::string needle, scripted_simulator::rewrite_fn rewrite) {
        return [needle = std::move(needle), rewrite = std::move(rewrite)](const sim::request& req, sim::response inner) {
            if (std::string(req.target()).find(needle) == std::string::npos) return inner;
            return rewrite(req, std::move(inner));
        };
    }

    std::map<std::string, std::string> env_;
    std::string said_;
};

TEST_F(DeletionGuard, AnEmptyVibeTaskListOnceMarksNothingFailsTheProjectAndEditsStillCross) {
    add_web_issues(7);
    ASSERT_EQ(once().exit_status, 0) << said_;
    ASSERT_EQ(web_tasks_by_issue().size(), 7u);

    auto& vibe = script(upstream::vibe);
    // A restarted Vibe, a proxy, a bug: 200 with an empty list, for the Web project only.
    vibe.script(vibe_tasks_route, 2, only_for(web_vibe_id(), with_body(R"({"success":true,"data":[],"message":null})")));
    auto refused = once();
    EXPECT_EQ(refused.exit_status, 1) << said_;
    EXPECT_NE(said_.find("Vibe answered 0 tasks for 7 linked"), std::string::npos) << said_;
    EXPECT_NE(said_.find("deletions not trusted"), std::string::npos) << said_;
    vibe.clear();

    // Edits on both sides cross on the next clean cycle: no link was marked deleted.
    huly_.edit_issue("WEB-1", "title", boost::json::value("Checkout bug on iOS 18"));
    const auto task_of_web2 = std::string(web_tasks_by_issue().at("WEB-2").at("id").as_string());
    ASSERT_TRUE(vibe_.edit_task(task_of_web2, std::string("Apple Pay in Vibe"), std::nullopt));
    ASSERT_EQ(once().exit_status, 0) << said_;
    auto tasks = web_tasks_by_issue();
    EXPECT_EQ(tasks.size(), 7u);
    EXPECT_EQ(tasks.at("WEB-1").at("title"), "Checkout bug on iOS 18");
    EXPECT_EQ(huly_title("WEB-2"), "Apple Pay in Vibe");
}

TEST_F(DeletionGuard, AnEmptyHulyReadContradictingIssueCountCancelsNothing) {
    env_["ON_HULY_DELETE"] = "cancel";
    ASSERT_EQ(once().exit_status, 0) << said_;
    ASSERT_EQ(web_tasks_by_issue().size(), 2u);

    auto& huly = script(upstream::huly);
    auto empty = edit_json([](boost::json::value& doc) {
        doc.as_object()["issues"] = boost::json::array{};
        doc.as_object()["count"] = 0;
    });
    huly.script(huly_issues_route, 3, only_for("/WEB/", empty));
    auto refused = once();
    EXPECT_EQ(refused.exit_status, 1) << said_;
    EXPECT_NE(said_.find("Huly answered 0 issues while its project list counts 2"), std::string::npos) << said_;
    for (const auto& [issue, task] : web_tasks_by_issue()) EXPECT_NE(task.at("status"), "cancelled") << issue;
    huly.clear();

    ASSERT_EQ(once().exit_status, 0) << said_;
    for (const auto& [issue, task] : web_tasks_by_issue()) EXPECT_NE(task.at("status"), "cancelled") << issue;
    expect_one_task_per_issue();
}

TEST_F(DeletionGuard, ARealDeletionUnderTheThresholdIsRecordedAtOnce) {
    env_["ON_HULY_DELETE"] = "cancel";
    add_web_issues(10);
    ASSERT_EQ(once().exit_status, 0) << said_;
    ASSERT_TRUE(huly_.delete_issue("WEB-3"));
    vibe_host_->reset_counts();
    ASSERT_EQ(once().exit_status, 0) << said_;
    EXPECT_EQ(web_tasks_by_issue().at("WEB-3").at("status"), "cancelled");
    EXPECT_EQ(vibe_host_->counts().by_route[vibe_task_route], 0u) << "no confirmation needed";
}

TEST_F(DeletionGuard, ARealMassDeletionInVibeIsRecordedAfterTheConfirmationReads) {
    add_web_issues(10);
    ASSERT_EQ(once().exit_status, 0) << said_;
    auto tasks = web_tasks_by_issue();
    ASSERT_EQ(tasks.size(), 10u);
    for (int i = 1; i <= 8; ++i) {
        ASSERT_TRUE(vibe_.delete_task(tasks.at("WEB-" + std::to_string(i)).at("id").as_string()));
    }
    vibe_host_->reset_counts();
    ASSERT_EQ(once().exit_status, 0) << said_;
    EXPECT_GE(vibe_host_->counts().by_route[vibe_task_route], 1u) << "missing tasks were fetched one by one";
    EXPECT_GE(vibe_host_->counts().by_route[vibe_tasks_route], 3u) << "Web's list was read twice";
    EXPECT_NE(said_.find("deletions confirmed"), std::string::npos) << said_;
    // Recorded: the deleted tasks are not re-created, on this cycle or the next.
    huly_.edit_issue("WEB-1", "title", boost::json::value("Edited after its task was deleted"));
    ASSERT_EQ(once().exit_status, 0) << said_;
    EXPECT_EQ(web_tasks_by_issue().size(), 2u);
}

TEST_F(DeletionGuard, AnIssueThatReappearsIsRelinkedAndItsCancelledTaskRestored) {
    env_["ON_HULY_DELETE"] = "cancel";
    ASSERT_EQ(once().exit_status, 0) << said_;
    ASSERT_EQ(web_tasks_by_issue().at("WEB-2").at("status"), "inprogress");

    // One cycle whose answers agree that WEB-2 is gone (a wrong but consistent answer, under the
    // threshold): it is marked deleted and its task cancelled.
    auto& huly = script(upstream::huly);
    huly.script("GET /api/projects", 1, edit_json([](boost::json::value& doc) {
                    for (auto& p : doc.as_object()["projects"].as_array()) {
                        if (p.at("identifier") == "WEB") p.as_object()["issueCount"] = 1;
                    }
                }));
    huly.script(huly_issues_route, 2, only_for("/WEB/", edit_json([](boost::json::value& doc) {
                    auto& issues = doc.as_object()["issues"].as_array();
                    boost::json::array kept;
                    for (auto& i : issues) {
                        if (i.at("identifier") != "WEB-2") kept.push_back(i);
                    }
                    issues = std::move(kept);
                })));
    ASSERT_EQ(once().exit_status, 0) << said_;
    ASSERT_EQ(web_tasks_by_issue().at("WEB-2").at("status"), "cancelled");
    huly.clear();

    // It is back: relinked, its task restored to what it was, and edits cross again.
    ASSERT_EQ(once().exit_status, 0) << said_;
    EXPECT_EQ(web_tasks_by_issue().at("WEB-2").at("status"), "inprogress");
    huly_.edit_issue("WEB-2", "title", boost::json::value("Apple Pay, back"));
    ASSERT_EQ(once().exit_status, 0) << said_;
    EXPECT_EQ(web_tasks_by_issue().at("WEB-2").at("title"), "Apple Pay, back");
    expect_one_task_per_issue();
}

}  // namespace
}  // namespace hvs::test
