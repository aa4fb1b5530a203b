// The sync engine against both generations of the Huly REST wrapper (upstreams-2026.md): the
// current one (PATCH /api/issues/{id} with per-field errors[], PUT of a description answering 500,
// syncMeta.serverTime) and the 2025 one (no PATCH: Express's 404 page, per-field PUT). The whole
// FirstSync suite also runs once per generation (test/CMakeLists.txt, HVS_TEST_HULY_GENERATION).

#include "integration/sync/engine_fixture.hpp"

#include "hvs/core/log.hpp"
#include "hvs/sync/text.hpp"

#include <iostream>
#include <sstream>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view fallback_line = "has no PATCH /api/issues/{id}";

std::size_t occurrences(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

class HulyGenerations : public EngineTest, public ::testing::WithParamInterface<sim::huly_generation> {
protected:
    void SetUp() override {
        huly_generation_ = GetParam();
        previous_log_ = std::clog.rdbuf(log_.rdbuf());
        log::init(log::severity::info, log::format::text);  // the console sink writes to std::clog
        EngineTest::SetUp();
        huly_.add_project("WEB", "Web", "");
        web1_ = huly_.add_issue("WEB", "Checkout bug", "Seen on iOS.", "Todo", "High");
        web2_ = huly_.add_issue("WEB", "Apple Pay", "", "In Progress");
    }
    void TearDown() override {
        EngineTest::TearDown();
        std::clog.rdbuf(previous_log_);
    }

    bool current() const { return GetParam() == sim::huly_generation::current; }
    std::uint64_t huly_requests(const std::string& route) const {
        const auto& by_route = huly_host_->counts().by_route;
        auto it = by_route.find(route);
        return it == by_route.end() ? 0 : it->second;
    }
    std::uint64_t patches() const { return huly_requests("PATCH /api/issues/{id}"); }
    std::uint64_t puts() const { return huly_requests("PUT /api/issues/{id}"); }
    std::uint64_t unmatched() const { return huly_requests("unmatched"); }
    const sync::project_outcome& web(const service::cycle_outcome& outcome) const {
        for (const auto& p : outcome.projects) {
            if (p.project == "WEB") return p;
        }
        throw std::logic_error("no outcome for WEB");
    }

    std::stringstream log_;
    std::streambuf* previous_log_ = nullptr;
    std::string web1_, web2_;
};

TEST_P(HulyGenerations, ADescriptionEditedInVibeReachesHulyThroughPatchOrPut) {
    ASSERT_TRUE(cycle().ok);
    vibe_update(task_for("Web", web1_)->id, {{}, sync::with_marker("Seen on iOS and Android.", web1_), {}});
    reset_counts();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    EXPECT_EQ(huly_.issue(web1_)->at("description").as_string(), "Seen on iOS and Android.");
    EXPECT_EQ(web(outcome).issues_updated, 1u);
    if (current()) {
        EXPECT_EQ(patches(), 1u);
        EXPECT_EQ(puts(), 0u);  // a PUT of a description would have answered 500
        EXPECT_EQ(occurrences(log_.str(), fallback_line), 0u);
    } else {
        EXPECT_EQ(unmatched(), 1u);  // the one PATCH, answered by Express's 404 page
        EXPECT_EQ(puts(), 1u);
        EXPECT_EQ(occurrences(log_.str(), fallback_line), 1u);
    }

    // Later writes of the same run: the 2025 wrapper is not asked for PATCH again, nor is it logged.
    vibe_update(task_for("Web", web2_)->id, {{}, sync::with_marker("Wallet too.", web2_), {}});
    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(huly_.issue(web2_)->at("description").as_string(), "Wallet too.");
    EXPECT_EQ(patches() + puts(), 1u);
    EXPECT_EQ(unmatched(), 0u);
    EXPECT_EQ(occurrences(log_.str(), fallback_line), current() ? 0u : 1u);

    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_) + writes_to(*vibe_host_), 0u);  // nothing ping-pongs back
}

TEST_P(HulyGenerations, EveryChangedFieldOfAnIssueGoesInOneRequestOnTheCurrentWrapper) {
    ASSERT_TRUE(cycle().ok);
    vibe_update(task_for("Web", web1_)->id,
                {std::string("Checkout button bug"), sync::with_marker("Any phone.", web1_), vibe::task_status::done});
    reset_counts();
    auto outcome = cycle();
    ASSERT_TRUE(outcome.ok) << outcome.error;
    auto issue = *huly_.issue(web1_);
    EXPECT_EQ(issue.at("title").as_string(), "Checkout button bug");
    EXPECT_EQ(issue.at("description").as_string(), "Any phone.");
    EXPECT_EQ(issue.at("status").as_string(), "Done");
    EXPECT_EQ(web(outcome).issues_updated, 3u);
    EXPECT_EQ(patches(), current() ? 1u : 0u);
    EXPECT_EQ(puts(), current() ? 0u : 3u);
    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_) + writes_to(*vibe_host_), 0u);
}

TEST_P(HulyGenerations, ARefusedFieldIsNotCountedAsWrittenNorSentAgain) {
    ASSERT_TRUE(cycle().ok);  // the default catalogue has no "In Review"
    vibe_update(task_for("Web", web2_)->id, {std::string("Apple Pay v2"), {}, vibe::task_status::inreview});
    reset_counts();
    auto refused = cycle();
    EXPECT_TRUE(refused.ok) << refused.error;  // a refusal is recorded, not a failure to retry
    EXPECT_EQ(web(refused).issues_updated, 1u);  // the title; the status is not counted as written
    EXPECT_EQ(web(refused).rejected, 1u);
    EXPECT_EQ(huly_.issue(web2_)->at("title").as_string(), "Apple Pay v2");
    EXPECT_EQ(huly_.issue(web2_)->at("status").as_string(), "In Progress");
    EXPECT_EQ(patches(), current() ? 1u : 0u);  // current: refused in errors[] of a 200

    reset_counts();
    ASSERT_TRUE(cycle().ok);
    EXPECT_EQ(writes_to(*huly_host_), 0u);
    EXPECT_EQ(task_for("Web", web2_)->status, "inreview");  // Vibe is not flipped back either
}

// The service's clock is never the watermark's: with Huly's clock an hour ahead of or behind the
// service's for the whole run, every change made in Huly between incremental reads arrives.
TEST_P(HulyGenerations, ASkewedLocalClockDoesNotSkipAChange) {
    cfg_.full_sync_every = 1000;  // every cycle after the first reads incrementally
    start_service();
    for (auto offset : {1h, -1h}) {
        const std::string project = offset > 0h ? "AHEAD" : "BEHIND";
        huly_.set_clock_offset(offset);
        huly_.add_project(project, project, "");
        auto issue = huly_.add_issue(project, "Clock", "", "Todo");
        ASSERT_TRUE(cycle().ok);
        for (int edit = 1; edit <= 2; ++edit) {
            const std::string title = "Clock, edit " + std::to_string(edit);
            huly_.edit_issue(issue, "title", boost::json::value(title));
            auto outcome = cycle();
            ASSERT_TRUE(outcome.ok) << outcome.error;
            EXPECT_EQ(task_for(project, issue)->title, title) << project;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Wrapper, HulyGenerations,
                         ::testing::Values(sim::huly_generation::current, sim::huly_generation::v2025),
                         [](const auto& param_info) {
                             return param_info.param == sim::huly_generation::current ? "current" : "v2025";
                         });

// An issue stamped ahead of the wrapper's clock (written through a Huly node whose clock runs fast)
// must not carry the watermark past changes the wrapper stamps later with its own time: the
// watermark is capped by syncMeta.serverTime. (A 2025 wrapper sends no serverTime.)
class HulyServerTime : public EngineTest {};

TEST_F(HulyServerTime, AnIssueStampedInTheFutureDoesNotHideLaterChanges) {
    cfg_.full_sync_every = 1000;
    start_service();
    huly_.add_project("WEB", "Web", "");
    auto ahead = huly_.add_issue("WEB", "Stamped ahead", "", "Todo");
    auto later = huly_.add_issue("WEB", "Edited later", "", "Todo");
    ASSERT_TRUE(cycle().ok);

    huly_.set_clock_offset(2h);
    huly_.edit_issue(ahead, "title", boost::json::value("Stamped two hours ahead"));
    huly_.set_clock_offset(0h);
    ASSERT_TRUE(cycle().ok);  // incremental: reads the issue stamped ahead
    EXPECT_EQ(task_for("Web", ahead)->title, "Stamped two hours ahead");

    huly_.edit_issue(later, "title", boost::json::value("Edited now"));
    ASSERT_TRUE(cycle().ok);  // incremental again: from the serverTime, not from two hours ahead
    EXPECT_EQ(task_for("Web", later)->title, "Edited now");
}

}  // namespace
}  // namespace hvs::test
