// A write Vibe rejects — a 400 from its request validation, or its soft error (200 with
// success:false) — is recorded with the reason, sent once per cycle at most (no retry storm),
// never answered by writing the other side back (no ping-pong), and lands once Vibe accepts it.
// (A status Huly refuses: FirstSync.AStatusHulyRefusesIsLearnedAndNotRetriedEveryCycle.)

#include "integration/faults/fault_fixture.hpp"

#include "hvs/sync/repo_path.hpp"

namespace hvs::test {
namespace {

namespace http = boost::beast::http;

constexpr const char* task_update = "PUT /api/tasks/{id}";

struct refusal {
    std::string label;
    unsigned status;
    std::string content_type;
    std::string body;
    std::string reason;  // what the record must say
};

void PrintTo(const refusal& c, std::ostream* os) { *os << c.label; }

class RejectedWrites : public FaultTest, public ::testing::WithParamInterface<refusal> {};

TEST_P(RejectedWrites, AreRecordedWithTheReasonNotRetriedInTheCycleAndNeverPingPong) {
    const auto& r = GetParam();
    capture_logs();
    ASSERT_TRUE(cycle().ok);
    auto& vibe = script(upstream::vibe);
    vibe.script(task_update, 100000, [r](const sim::request& req, sim::response) {
        sim::response res{static_cast<http::status>(r.status), req.version()};
        res.set(http::field::content_type, r.content_type);
        res.body() = r.body;
        res.prepare_payload();
        return res;
    }, false);
    huly_.edit_issue("WEB-1", "title", boost::json::value("Checkout bug on iOS 18"));
    const auto huly_before = huly_.state();

    for (int n = 0; n < 3; ++n) {
        reset_counts();
        auto outcome = cycle();
        const sync::project_outcome* web = nullptr;
        for (const auto& p : outcome.projects) web = p.project == "WEB" ? &p : web;
        ASSERT_TRUE(web);
        EXPECT_EQ(web->rejected, 1u) << "cycle " << n;
        EXPECT_EQ(vibe_host_->counts().by_route[task_update], 1u) << "cycle " << n << ": sent once, not retried";
        EXPECT_EQ(writes_to(*huly_host_), 0u) << "cycle " << n << ": nothing written back to Huly";
    }
    EXPECT_EQ(huly_.state(), huly_before);
    const std::string logs = logs_.str();
    EXPECT_NE(logs.find("updating the task of WEB-1 failed"), std::string::npos) << logs;
    EXPECT_NE(logs.find(r.reason), std::string::npos) << logs;

    vibe.clear();
    ASSERT_TRUE(cycle().ok);
    expect_one_task_per_issue();  // the Huly title reached Vibe
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, RejectedWrites,
    ::testing::Values(refusal{"Http400", 400, "text/plain; charset=utf-8",
                              "Failed to deserialize the JSON body into the target type: title: invalid type",
                              "vibe answered 400 to PUT"},
                      refusal{"SoftErrorEnvelope", 200, "application/json",
                              R"({"success":false,"data":null,"error_data":null,"message":"Task is locked"})",
                              "refused: vibe PUT /api/tasks/{id}: Task is locked"}),
    [](const auto& p) { return p.param.label; });

// Vibe refuses a project create whose repository another project has (HTTP 200, success:false,
// vibe-kanban-api.md §2.3): an earlier create that timed out, or a placeholder in use. The
// project that has the repository is adopted; nothing is created twice.
TEST_F(FaultTest, ARefusedProjectCreateAdoptsTheProjectThatHasItsRepository) {
    const std::string existing = vibe_.add_project("Web board (from before)", sync::placeholder_path(cfg_.stacks_dir, "WEB"));
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(vibe_host_->counts().by_route["POST /api/projects"], 2u);  // WEB's refused, OPS's
    EXPECT_EQ(vibe_project_count(), 2u);
    auto web = stored_project("WEB");
    ASSERT_TRUE(web);
    EXPECT_EQ(web->vibe_id, existing);
    EXPECT_EQ(vibe_tasks_by_project()["Web board (from before)"].size(), 2u);
}

// Any other refusal of the create fails the project with Vibe's reason, as a refusal (not an HTTP
// error), and adopts nothing.
TEST_F(FaultTest, ARefusedProjectCreateWithNoProjectToAdoptFailsTheProjectWithTheReason) {
    script(upstream::vibe).script("POST /api/projects", 2, [](const sim::request& req, sim::response) {
        sim::response res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"success":false,"data":null,"error_data":null,"message":"The specified path does not exist"})";
        res.prepare_payload();
        return res;
    }, false);
    auto outcome = cycle();
    ASSERT_EQ(outcome.projects.size(), 2u);
    for (const auto& p : outcome.projects) {
        EXPECT_FALSE(p.ok) << p.project;
        EXPECT_EQ(p.error, "Vibe project: refused: vibe POST /api/projects: The specified path does not exist")
            << p.project;
    }
    EXPECT_EQ(vibe_project_count(), 0u);
}

}  // namespace
}  // namespace hvs::test
