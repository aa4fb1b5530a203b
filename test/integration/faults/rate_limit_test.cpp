// A 429 storm with Retry-After across whole cycles — reads and non-idempotent creates refused on
// both Huly and Vibe while eight projects sync at once: every refused request is sent again, never
// sooner than Retry-After asks, and once the retries succeed nothing counts as an error.

#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

using namespace std::chrono_literals;

class RateLimited : public FaultTest {};

TEST_F(RateLimited, RetryAfterIsHonouredAndNotAnErrorOnceTheRetriesSucceed) {
    for (int p = 0; p < 6; ++p) {
        auto id = "R" + std::to_string(p);
        huly_.add_project(id, "Rated " + std::to_string(p), "");
        for (int i = 0; i < 3; ++i) huly_.add_issue(id, "Issue " + std::to_string(i), "", i == 1 ? "Done" : "Todo");
    }
    cfg_.http_attempts = 10;  // more than the refusals any one request can meet
    cfg_.max_workers = 8;
    start_service();
    auto& huly = script(upstream::huly);
    auto& vibe = script(upstream::vibe);
    huly.script("GET /api/projects", 1, too_many_requests(1), false);
    huly.script("GET /api/projects/{id}/issues", 3, too_many_requests(1), false);
    vibe.script("GET /api/tasks", 3, too_many_requests(1), false);
    vibe.script("POST /api/tasks", 6, too_many_requests(1), false);  // refused, so not applied
    vibe.script("PUT /api/tasks/{id}", 2, too_many_requests(1), false);

    auto outcome = cycle();
    EXPECT_TRUE(outcome.ok) << outcome.error;
    EXPECT_TRUE(outcome.error.empty());
    for (const auto& p : outcome.projects) EXPECT_TRUE(p.ok && p.error.empty()) << p.project << ": " << p.error;
    EXPECT_EQ(outcome.record.errors_json, "[]");
    expect_one_task_per_issue();

    // Every refusal was seen by the client as one, and every refused request came again, no
    // sooner than Retry-After (1 s) after it was refused.
    EXPECT_EQ(huly.rewritten(), 4u);
    EXPECT_EQ(vibe.rewritten(), 11u);
    EXPECT_EQ(rt_->huly_http().stats().rate_limited, 4u);
    EXPECT_EQ(rt_->vibe_http().stats().rate_limited, 11u);
    EXPECT_EQ(huly.not_repeated() + vibe.not_repeated(), 0u);
    ASSERT_EQ(huly.repeat_gaps().size() + vibe.repeat_gaps().size(), 15u);
    for (const auto* gaps : {&huly.repeat_gaps(), &vibe.repeat_gaps()}) {
        for (auto gap : *gaps) EXPECT_GE(gap, 1s) << "retried after " << std::chrono::duration<double>(gap).count() << " s";
    }
    EXPECT_GT(rt_->vibe_http().limiter().pauses, 0u);  // the whole upstream waited, not only the refused call
}

}  // namespace
}  // namespace hvs::test
