// What a cycle owes the operator about Letta and about time, through the real binary and through
// the service as `run` wires it: a Letta refusing the password makes the cycle `partial` (exit 1,
// /health degraded naming letta, history and metrics say so); a Retry-After longer than what is
// left of SYNC_TIMEOUT ends the cycle within it as rate-limited; a slow Letta does not delay the
// Huly/Vibe writes.

#include "integration/faults/cli_runner.hpp"
#include "integration/faults/fault_fixture.hpp"

#include <boost/json/parse.hpp>

#include <set>

namespace hvs::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::string text(const boost::json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

class LettaRefusal : public FaultTest {
protected:
    LettaRefusal() { use_letta_ = true; }
};

TEST_F(LettaRefusal, WrongPasswordMakesOnceExitOneAndSaysWhy) {
    rt_.reset();
    auto env = cli_env();
    env["LETTA_PASSWORD"] = "not-the-password";
    auto run = run_cli({"once"}, env, ioc_);
    EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
    EXPECT_NE(run.out.find("cycle partial"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("401"), std::string::npos) << "the refusal is named:\n" << run.out;
    expect_one_task_per_issue();  // the Huly/Vibe sync itself went through
}

TEST_F(LettaRefusal, WrongPasswordIsDegradedInHealthHistoryAndMetrics) {
    cfg_.letta_password = "not-the-password";
    start_service();
    start_ops();
    start_loop();
    ASSERT_TRUE(wait_for_cycles(1));

    auto health = get_json("/health").as_object();
    EXPECT_EQ(text(health.at("status")), "degraded") << boost::json::serialize(health);
    bool names_letta = false;
    for (const auto& r : health_reasons(health)) names_letta |= r.rfind("letta degraded: ", 0) == 0;
    EXPECT_TRUE(names_letta) << boost::json::serialize(health);
    const auto& letta = health.at("upstreams").at("letta");
    EXPECT_EQ(text(letta.at("status")), "degraded");
    EXPECT_NE(text(letta.at("reason")).find("401"), std::string::npos) << text(letta.at("reason"));
    EXPECT_EQ(text(health.at("last_cycle").at("outcome")), "partial");

    auto history = get_json("/api/sync/history?limit=1").as_array();
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(text(history[0].at("outcome")), "partial");
    std::set<std::string> agent_failures;
    for (const auto& e : history[0].at("errors").as_array()) {
        if (text(e.at("error")).rfind("PM agent: ", 0) == 0) agent_failures.insert(text(e.at("project")));
    }
    EXPECT_EQ(agent_failures, (std::set<std::string>{"OPS", "WEB"})) << text(history[0]);

    auto metrics = get("/metrics").body();
    EXPECT_NE(metrics.find("hvs_cycles_total{outcome=\"partial\"} 1\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("hvs_agent_failures_total 2\n"), std::string::npos) << metrics;
}

class BoundedTime : public FaultTest {};

TEST_F(BoundedTime, RetryAfterBeyondTheCycleDeadlineEndsOnceWithinItAsRateLimited) {
    rt_.reset();
    auto& huly = script(upstream::huly);
    huly.script("GET /api/projects", 100, too_many_requests(3600), false);
    auto env = cli_env();
    env["SYNC_TIMEOUT"] = "3000";
    env["HTTP_ATTEMPTS"] = "5";
    auto began = clock_type::now();
    auto run = run_cli({"once"}, env, ioc_);
    auto took = clock_type::now() - began;
    EXPECT_EQ(run.exit_status, 1) << run.out << run.err;
    EXPECT_LT(took, 3000ms + 1500ms) << std::chrono::duration<double>(took).count() << " s";
    EXPECT_NE(run.out.find("rate-limited, Retry-After 3600 s"), std::string::npos) << run.out << run.err;
}

class SlowLetta : public FaultTest {
protected:
    SlowLetta() { use_letta_ = true; }
};

TEST_F(SlowLetta, HulyVibeWritesDoNotWaitForLetta) {
    constexpr auto letta_latency = 4000ms;
    start_service();
    letta_host_->set_latency(letta_latency);
    start_ops();
    auto began = clock_type::now();
    start_loop();
    // Every issue has its task well before Letta's first answer could have arrived.
    ASSERT_TRUE(pump_until([&] { return vibe_task_count() == 3; }, 20s));
    auto synced = clock_type::now() - began;
    EXPECT_LT(synced, letta_latency) << std::chrono::duration<double>(synced).count() << " s";
    EXPECT_TRUE(status_.running) << "the cycle ended before Letta answered";
    expect_one_task_per_issue();
}

}  // namespace
}  // namespace hvs::test
