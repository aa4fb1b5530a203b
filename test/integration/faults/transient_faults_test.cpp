// 5xx answers, stalls longer than the client's timeout and connections closed without an answer,
// in the middle of whole cycles: idempotent requests are retried; when the retries run out the
// project fails for this cycle, its watermark does not move, and the next cycle converges with
// exactly one task per issue.

#include "integration/faults/fault_fixture.hpp"

#include "support/hosts_answered.hpp"

namespace hvs::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* huly_issues = "GET /api/projects/{id}/issues";
constexpr const char* vibe_tasks = "GET /api/tasks";
constexpr const char* vibe_task_update = "PUT /api/tasks/{id}";

struct fault_case {
    sim::fault_kind kind;
    upstream where;
    std::string route;
    std::string label;
};

void PrintTo(const fault_case& c, std::ostream* os) { *os << c.label; }

std::string kind_name(sim::fault_kind kind) {
    switch (kind) {
    case sim::fault_kind::error: return "Http500";
    case sim::fault_kind::stall: return "StallPastTheTimeout";
    case sim::fault_kind::close: return "ConnectionClosed";
    case sim::fault_kind::malformed: return "Malformed";
    }
    return "?";
}

class TransientFaults : public FaultTest, public ::testing::WithParamInterface<fault_case> {
protected:
    static constexpr auto timeout = 300ms;
    static constexpr auto stall = 600ms;

    void SetUp() override {
        FaultTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        cfg_.http_timeout = timeout;
        start_service();
    }

    void inject(unsigned count) {
        host_of(GetParam().where)->inject({.route = GetParam().route, .kind = GetParam().kind, .count = count, .stall = stall});
    }
    void clear() {
        host_of(GetParam().where)->clear_faults();
        if (GetParam().kind == sim::fault_kind::stall) {
            // Stalled requests land (a stalled PUT is applied late).
            ASSERT_TRUE(hvs::test::run_until_answered(ioc_, {host_of(GetParam().where).get()}));
        }
    }
};

TEST_P(TransientFaults, AreRetriedAndTheCycleSucceedsWithinTheBudget) {
    cfg_.http_attempts = 3;
    start_service();
    if (GetParam().route == vibe_task_update) {
        ASSERT_TRUE(cycle().ok);  // tasks exist: the next cycle updates one
        huly_.edit_issue("WEB-1", "title", boost::json::value("Checkout bug on iOS 18"));
    }
    inject(2);  // two failures, three attempts
    reset_counts();
    auto outcome = cycle();
    EXPECT_TRUE(outcome.ok) << outcome.error << (outcome.projects.empty() ? "" : " " + outcome.projects[0].error);
    // Both failed requests were sent again (a closed keep-alive connection may be resent at once,
    // without counting as a retry): one request per call, plus one per failure.
    const std::uint64_t calls = GetParam().route == vibe_task_update ? 1 : 2;
    EXPECT_GE(host_of(GetParam().where)->counts().by_route[GetParam().route], calls + 2);
    clear();
    expect_one_task_per_issue();
}

TEST_P(TransientFaults, WhenRetriesRunOutTheProjectFailsItsWatermarkStaysAndTheNextCycleConverges) {
    ASSERT_TRUE(cycle().ok);
    auto before = stored_project("WEB");
    ASSERT_TRUE(before && before->watermark_ms);
    const auto tasks_before = vibe_task_count();
    huly_.edit_issue("WEB-1", "title", boost::json::value("Checkout bug on iOS 18"));
    huly_.add_issue("WEB", "Refund flow", "", "Todo");

    inject(100000);
    reset_counts();
    auto failed = cycle();
    EXPECT_FALSE(failed.ok);
    ASSERT_FALSE(failed.projects.empty());
    for (const auto& p : failed.projects) {
        if (p.project == "WEB") {
            EXPECT_FALSE(p.ok);
        }
    }
    // Retried: every failing request was sent more than once.
    EXPECT_GE(host_of(GetParam().where)->counts().by_route[GetParam().route], 2u);
    auto after = stored_project("WEB");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->watermark_ms, before->watermark_ms);
    if (GetParam().route == vibe_task_update) {
        EXPECT_EQ(vibe_task_count(), tasks_before + 1);  // the create was not faulted
        EXPECT_TRUE(after->last_error) << "the failure is recorded on the project";
    } else {
        EXPECT_EQ(vibe_task_count(), tasks_before);  // nothing planned from a failed read
    }

    clear();
    auto converged = cycle();
    EXPECT_TRUE(converged.ok) << converged.error;
    expect_one_task_per_issue();
    auto last = stored_project("WEB");
    ASSERT_TRUE(last && last->watermark_ms);
    EXPECT_GT(*last->watermark_ms, *before->watermark_ms);
    EXPECT_FALSE(last->last_error);
    ASSERT_TRUE(cycle().ok);
    expect_one_task_per_issue();  // and it stays that way
}

std::vector<fault_case> cases() {
    std::vector<fault_case> out;
    for (auto kind : {sim::fault_kind::error, sim::fault_kind::stall, sim::fault_kind::close}) {
        out.push_back({kind, upstream::huly, huly_issues, kind_name(kind) + "OnHulyIssueRead"});
        out.push_back({kind, upstream::vibe, vibe_tasks, kind_name(kind) + "OnVibeTaskList"});
        out.push_back({kind, upstream::vibe, vibe_task_update, kind_name(kind) + "OnVibeTaskUpdate"});
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Matrix, TransientFaults, ::testing::ValuesIn(cases()),
                         [](const auto& p) { return p.param.label; });

}  // namespace
}  // namespace hvs::test
