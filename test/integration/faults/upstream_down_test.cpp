// An upstream that is down when the service starts (nothing listens on its port): the service
// starts anyway, the cycle fails for what needs that upstream and creates nothing, /health says
// "degraded" and names it; when it comes back on the same port, the next cycle converges without
// a restart.

#include "integration/faults/fault_fixture.hpp"

namespace hvs::test {
namespace {

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

class UpstreamDownAtStart : public FaultTest, public ::testing::WithParamInterface<upstream> {
protected:
    UpstreamDownAtStart() { use_letta_ = true; }

    std::size_t agents_named(const std::string& name) {
        std::size_t n = 0;
        for (const auto& a : letta_.agents()) n += a.at("name").as_string() == name;
        return n;
    }
};

TEST_P(UpstreamDownAtStart, DegradedNamingItNothingCreatedThenConvergesWhenItReturns) {
    const upstream down = GetParam();
    const std::string name = name_of(down);
    take_down(down);
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));
    EXPECT_EQ(get("/ready").result_int(), 200u);  // the first cycle finished, failed or not: ready
    EXPECT_EQ(get("/livez").result_int(), 200u);

    auto res = get("/health");
    EXPECT_EQ(res.result_int(), 200u);
    auto health = boost::json::parse(res.body()).as_object();
    EXPECT_EQ(str(health.at("status")), "degraded") << res.body();
    bool named = false;
    for (const auto& reason : health_reasons(health)) named |= reason.rfind(name + " unreachable", 0) == 0;
    EXPECT_TRUE(named) << res.body();
    EXPECT_FALSE(health.at("upstreams").at(name).at("last_error").is_null()) << res.body();
    EXPECT_TRUE(letta_.agents().empty());  // no PM agent step ran (nor the control agent's)
    if (down == upstream::letta) {
        // Issues and tasks need no Letta, but a configured Letta that cannot be reached fails the
        // PM agent work: the cycle is partial, not ok.
        EXPECT_EQ(str(health.at("last_cycle").at("outcome")), "partial");
        expect_one_task_per_issue();
    } else {
        EXPECT_EQ(str(health.at("last_cycle").at("outcome")), "failed");
        EXPECT_EQ(vibe_project_count(), 0u);
        EXPECT_EQ(vibe_task_count(), 0u);
    }

    bring_back(down);
    ASSERT_EQ(post_sync().result_int(), 202u);
    ASSERT_TRUE(wait_for_cycles(2));
    res = get("/health");
    health = boost::json::parse(res.body()).as_object();
    EXPECT_EQ(str(health.at("status")), "healthy") << res.body();
    EXPECT_EQ(str(health.at("last_cycle").at("outcome")), "ok");
    expect_one_task_per_issue();
    EXPECT_EQ(agents_named("Huly - Web"), 1u);
    EXPECT_EQ(agents_named("Huly - Ops"), 1u);
}

INSTANTIATE_TEST_SUITE_P(Upstreams, UpstreamDownAtStart,
                         ::testing::Values(upstream::huly, upstream::vibe, upstream::letta),
                         [](const auto& p) { return name_of(p.param); });

}  // namespace
}  // namespace hvs::test
