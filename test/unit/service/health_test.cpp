#include "hvs/service/health.hpp"

#include <gtest/gtest.h>

namespace hvs::service {
namespace {

using namespace std::chrono_literals;

health_inputs base() {
    health_inputs in;
    in.started = std::chrono::system_clock::time_point{std::chrono::hours(1000)};
    in.now = in.started + 1min;
    in.interval = 10s;
    in.upstreams = {{"huly", true, "closed", "", ""}, {"vibe", true, "closed", "", ""}};
    return in;
}

TEST(Health, FreshStartIsHealthy) { EXPECT_EQ(assess_health(base()).status, health_status::healthy); }

TEST(Health, AnUnreachableUpstreamDegrades) {
    auto in = base();
    in.upstreams[1] = {"vibe", false, "open", "connect: refused", ""};
    auto verdict = assess_health(in);
    EXPECT_EQ(verdict.status, health_status::degraded);
    ASSERT_EQ(verdict.reasons.size(), 1u);
    EXPECT_EQ(verdict.reasons[0], "vibe unreachable: connect: refused");
}

TEST(Health, AnUpstreamRefusingTheServiceDegradesNamingItAndWhy) {
    auto in = base();
    in.upstreams.push_back({"letta", true, "closed", "", "refused the credentials: http_4xx: letta answered 401"});
    auto verdict = assess_health(in);
    EXPECT_EQ(verdict.status, health_status::degraded);
    ASSERT_EQ(verdict.reasons.size(), 1u);
    EXPECT_EQ(verdict.reasons[0], "letta degraded: refused the credentials: http_4xx: letta answered 401");
    EXPECT_EQ(upstream_status(in.upstreams[2]), "degraded");
    EXPECT_EQ(upstream_status(in.upstreams[0]), "ok");
    EXPECT_EQ(upstream_status({"vibe", false, "open", "connect: refused", ""}), "down");
    EXPECT_EQ(upstream_reason({"vibe", false, "open", "connect: refused", ""}), "connect: refused");
    EXPECT_EQ(upstream_reason({"vibe", false, "open", "", ""}), "circuit breaker open");
    EXPECT_EQ(upstream_reason(in.upstreams[2]), "refused the credentials: http_4xx: letta answered 401");
    EXPECT_EQ(upstream_reason(in.upstreams[0]), "");
}

TEST(Health, NoSuccessForTooLongIsUnhealthy) {
    auto in = base();
    in.now = in.started + 16min;
    EXPECT_EQ(assess_health(in).status, health_status::unhealthy);
    in.last_success = in.now - 1min;
    EXPECT_EQ(assess_health(in).status, health_status::healthy);
    in.interval = 10min;  // three intervals of grace with a long interval
    in.last_success = in.now - 25min;
    EXPECT_EQ(assess_health(in).status, health_status::healthy);
    in.last_success = in.now - 31min;
    EXPECT_EQ(assess_health(in).status, health_status::unhealthy);
}

TEST(Health, FailedCyclesAndDegradedProjectsDegrade) {
    auto in = base();
    in.last_cycle_failed = true;
    EXPECT_EQ(assess_health(in).status, health_status::degraded);
    in = base();
    in.degraded_projects = 2;
    EXPECT_EQ(assess_health(in).status, health_status::degraded);
}

TEST(Health, AFeedDisconnectedForMoreThanAMinuteDegradesNamingItAndThePolling) {
    auto in = base();
    in.feeds = {{"vibe", false, in.now - 61s}, {"huly", true, in.now - 10min}};
    auto verdict = assess_health(in);
    EXPECT_EQ(verdict.status, health_status::degraded);
    ASSERT_EQ(verdict.reasons.size(), 1u);
    EXPECT_EQ(verdict.reasons[0], "vibe change feed disconnected for 61 s: polling every SYNC_INTERVAL");
}

TEST(Health, AReconnectBlipOrAConnectedFeedDoesNotDegrade) {
    auto in = base();
    in.feeds = {{"vibe", false, in.now - 2s}, {"huly", true, in.now - 10min}};
    EXPECT_EQ(assess_health(in).status, health_status::healthy);
    in.feeds[0].since = in.now - feed_outage_grace;
    EXPECT_EQ(assess_health(in).status, health_status::healthy) << "down for exactly the grace";
}

TEST(Health, AFeedThatNeverConnectedCountsFromTheStart) {
    auto in = base();
    in.now = in.started + 2min;
    in.last_success = in.now;
    in.feeds = {{"huly", false, std::nullopt}};
    auto verdict = assess_health(in);
    EXPECT_EQ(verdict.status, health_status::degraded);
    ASSERT_EQ(verdict.reasons.size(), 1u);
    EXPECT_EQ(verdict.reasons[0], "huly change feed disconnected for 120 s: polling every SYNC_INTERVAL");
}

TEST(PollingReason, SaysWhichIntervalAndWhy) {
    const auto now = std::chrono::system_clock::now();
    EXPECT_EQ(polling_reason({{"vibe", true, now}, {"huly", true, now}}), "feeds connected: SYNC_INTERVAL_WITH_EVENTS");
    EXPECT_EQ(polling_reason({{"vibe", false, now}, {"huly", true, now}}), "vibe feed disconnected: SYNC_INTERVAL");
    EXPECT_EQ(polling_reason({{"vibe", true, now}, {"huly", false, now}}), "huly feed disconnected: SYNC_INTERVAL");
    EXPECT_EQ(polling_reason({{"vibe", true, now}}), "no Huly feed configured: SYNC_INTERVAL");
    EXPECT_EQ(polling_reason({{"huly", true, now}}), "no Vibe feed configured: SYNC_INTERVAL");
    EXPECT_EQ(polling_reason({}), "no Vibe feed configured: SYNC_INTERVAL");
}

TEST(Readiness, ReadyOnceTheFirstCycleFinishedAndNotWhileStopping) {
    auto before_first = assess_readiness(false, false);
    EXPECT_FALSE(before_first.ready);
    EXPECT_EQ(before_first.reason, "the first sync cycle has not finished yet");
    EXPECT_TRUE(assess_readiness(true, false).ready);  // whatever that cycle's outcome
    auto stopping = assess_readiness(true, true);
    EXPECT_FALSE(stopping.ready);
    EXPECT_EQ(stopping.reason, "shutting down: the last cycle is draining");
    EXPECT_FALSE(assess_readiness(false, true).ready);
}

}  // namespace
}  // namespace hvs::service
