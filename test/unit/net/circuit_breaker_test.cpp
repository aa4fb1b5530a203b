#include "hvs/net/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;
const circuit_breaker::clock::time_point t0{std::chrono::seconds(100)};

TEST(CircuitBreaker, OpensAfterTheThresholdAndFailsFastDuringTheCooldown) {
    circuit_breaker b(3, 10s);
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(b.allow(t0));
        b.record_failure(t0);
    }
    EXPECT_EQ(b.current(t0), circuit_breaker::state::closed);
    b.record_failure(t0);
    EXPECT_EQ(b.current(t0), circuit_breaker::state::open);
    EXPECT_FALSE(b.allow(t0 + 5s));
    EXPECT_EQ(b.times_opened(), 1u);
}

TEST(CircuitBreaker, OneProbeAfterTheCooldownThenClosesOnSuccess) {
    circuit_breaker b(1, 10s);
    b.record_failure(t0);
    EXPECT_TRUE(b.allow(t0 + 10s));   // the probe
    EXPECT_FALSE(b.allow(t0 + 10s));  // everyone else still waits
    EXPECT_EQ(b.current(t0 + 10s), circuit_breaker::state::half_open);
    b.record_success();
    EXPECT_EQ(b.current(t0 + 10s), circuit_breaker::state::closed);
    EXPECT_TRUE(b.allow(t0 + 10s));
}

TEST(CircuitBreaker, AFailedProbeOpensItAgainForAnotherCooldown) {
    circuit_breaker b(1, 10s);
    b.record_failure(t0);
    EXPECT_TRUE(b.allow(t0 + 11s));
    b.record_failure(t0 + 11s);
    EXPECT_FALSE(b.allow(t0 + 15s));
    EXPECT_TRUE(b.allow(t0 + 21s));
    EXPECT_EQ(b.times_opened(), 2u);
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
    circuit_breaker b(2, 10s);
    b.record_failure(t0);
    b.record_success();
    b.record_failure(t0);
    EXPECT_EQ(b.current(t0), circuit_breaker::state::closed);
}

TEST(CircuitBreaker, AReleasedProbeLetsTheNextCallerProbe) {
    circuit_breaker b(1, std::chrono::seconds(10));
    b.record_failure(t0);
    auto later = t0 + std::chrono::seconds(11);
    ASSERT_TRUE(b.allow(later));   // the probe
    EXPECT_FALSE(b.allow(later));  // one at a time
    b.release_probe();             // it was cancelled: no verdict
    EXPECT_TRUE(b.allow(later + std::chrono::hours(24)));
    EXPECT_EQ(b.current(later), circuit_breaker::state::half_open);
}

}  // namespace
}  // namespace hvs::net
