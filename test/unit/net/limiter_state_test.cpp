// The limiter's decisions with a hand-driven clock: no timer, no sleep.

#include "hvs/net/limiter_state.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hvs::net::limiter_state_test {
namespace {

using namespace std::chrono_literals;
using action = limiter_decision::action;
using time_point = limiter_state::time_point;

const time_point t0{std::chrono::seconds(1000)};

double ms(limiter_state::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// `count` callers arrive at `at` and each goes at once.
void expect_immediate_tokens(limiter_state& limiter, int count, time_point at) {
    limiter_ticket ticket;
    for (int i = 0; i < count; ++i) ASSERT_EQ(limiter.arrive(at, std::nullopt, ticket).what, action::go) << i;
}

TEST(LimiterState, TheBurstGoesAtOnceThenCallersWaitInArrivalOrderAtTheRate) {
    limiter_state limiter(10, 2, t0);  // one token per 100 ms
    expect_immediate_tokens(limiter, 2, t0);
    limiter_ticket ticket;
    std::vector<double> waits;
    for (int i = 0; i < 3; ++i) {
        auto next = limiter.arrive(t0, std::nullopt, ticket);
        ASSERT_EQ(next.what, action::wait);
        waits.push_back(ms(next.wait));
    }
    EXPECT_NEAR(waits[0], 100, 0.01);
    EXPECT_NEAR(waits[1], 200, 0.01);
    EXPECT_NEAR(waits[2], 300, 0.01);
    auto stats = limiter.stats(t0);
    EXPECT_EQ(stats.acquired, 2u);
    EXPECT_EQ(stats.waits, 3u);
    EXPECT_EQ(stats.waiting, 3u);
    EXPECT_NEAR(stats.tokens, -3, 1e-9);
}

TEST(LimiterState, AWaiterThatWakesWithNoPauseInBetweenGoes) {
    limiter_state limiter(10, 1, t0);
    limiter_ticket first;
    limiter_ticket second;
    ASSERT_EQ(limiter.arrive(t0, std::nullopt, first).what, action::go);
    auto wait = limiter.arrive(t0, std::nullopt, second);
    ASSERT_EQ(wait.what, action::wait);
    EXPECT_EQ(limiter.woke(t0 + wait.wait, std::nullopt, second).what, action::go);
    auto stats = limiter.stats(t0 + wait.wait);
    EXPECT_EQ(stats.acquired, 2u);
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_NEAR(stats.wait_seconds, 0.1, 1e-9);
}

TEST(LimiterState, TheBucketRefillsWithTimeUpToTheBurst) {
    limiter_state limiter(10, 3, t0);
    expect_immediate_tokens(limiter, 3, t0);
    EXPECT_NEAR(limiter.stats(t0 + 150ms).tokens, 1.5, 1e-9);
    EXPECT_NEAR(limiter.stats(t0 + 1h).tokens, 3, 1e-9);  // capped at the burst
    expect_immediate_tokens(limiter, 3, t0 + 1h);
    limiter_ticket ticket;
    EXPECT_EQ(limiter.arrive(t0 + 1h, std::nullopt, ticket).what, action::wait);
}

TEST(LimiterState, WaitersQueuedBeforeAPauseAreSpacedAfterItInTheirOrder) {
    limiter_state limiter(20, 1, t0);  // one token per 50 ms
    limiter_ticket ignored;
    ASSERT_EQ(limiter.arrive(t0, std::nullopt, ignored).what, action::go);
    std::vector<limiter_ticket> waiters(4);
    std::vector<time_point> wake_at;
    for (auto& ticket : waiters) {
        auto next = limiter.arrive(t0, std::nullopt, ticket);
        ASSERT_EQ(next.what, action::wait);
        wake_at.push_back(t0 + next.wait);
    }
    limiter.pause_for(t0 + 10ms, 1s);  // a 429 with Retry-After: 1
    // Each wakes at its old slot and queues again behind the pause, in the order they wake.
    std::vector<time_point> go_at;
    for (std::size_t i = 0; i < waiters.size(); ++i) {
        auto next = limiter.woke(wake_at[i], std::nullopt, waiters[i]);
        ASSERT_EQ(next.what, action::wait) << i;
        go_at.push_back(wake_at[i] + next.wait);
    }
    EXPECT_GE(go_at[0], t0 + 10ms + 1s);
    for (std::size_t i = 1; i < go_at.size(); ++i) EXPECT_NEAR(ms(go_at[i] - go_at[i - 1]), 50, 0.01) << i;
    for (std::size_t i = 0; i < waiters.size(); ++i) {
        EXPECT_EQ(limiter.woke(go_at[i], std::nullopt, waiters[i]).what, action::go) << i;
    }
    auto stats = limiter.stats(go_at.back());
    EXPECT_EQ(stats.pauses, 1u);
    EXPECT_EQ(stats.acquired, 5u);
    EXPECT_EQ(stats.waiting, 0u);
}

TEST(LimiterState, ATokenAfterTheDeadlineIsRefusedAtOnceAndGivenBack) {
    limiter_state limiter(1, 1, t0);  // one token a second
    limiter_ticket ticket;
    ASSERT_EQ(limiter.arrive(t0, std::nullopt, ticket).what, action::go);
    EXPECT_EQ(limiter.arrive(t0, t0 + 100ms, ticket).what, action::past_deadline);
    auto stats = limiter.stats(t0);
    EXPECT_EQ(stats.acquired, 1u);
    EXPECT_EQ(stats.waits, 0u);
    EXPECT_NEAR(stats.tokens, 0, 1e-9);  // the reservation was given back
    EXPECT_EQ(limiter.arrive(t0, t0 + 1s, ticket).what, action::wait);  // a deadline it meets
}

TEST(LimiterState, APauseThatPushesAWaiterPastItsDeadlineEndsItsWait) {
    limiter_state limiter(10, 1, t0);
    limiter_ticket first;
    limiter_ticket waiter;
    ASSERT_EQ(limiter.arrive(t0, std::nullopt, first).what, action::go);
    auto wait = limiter.arrive(t0, t0 + 500ms, waiter);
    ASSERT_EQ(wait.what, action::wait);
    limiter.pause_for(t0 + 50ms, 2s);
    EXPECT_EQ(limiter.woke(t0 + wait.wait, t0 + 500ms, waiter).what, action::past_deadline);
    auto stats = limiter.stats(t0 + wait.wait);
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_EQ(stats.acquired, 1u);
    EXPECT_NEAR(stats.tokens, 0, 1e-9);  // its requeued token was given back
}

TEST(LimiterState, AnAbandonedWaitGivesItsTokenBackToTheNextCaller) {
    limiter_state limiter(10, 1, t0);
    limiter_ticket first;
    limiter_ticket quitter;
    limiter_ticket next;
    ASSERT_EQ(limiter.arrive(t0, std::nullopt, first).what, action::go);
    ASSERT_NEAR(ms(limiter.arrive(t0, std::nullopt, quitter).wait), 100, 0.01);
    limiter.abandoned(t0 + 20ms, quitter);
    EXPECT_NEAR(ms(limiter.arrive(t0 + 20ms, std::nullopt, next).wait), 80, 0.01);  // the slot it left
    auto stats = limiter.stats(t0 + 20ms);
    EXPECT_EQ(stats.waiting, 1u);
    EXPECT_NEAR(stats.wait_seconds, 0.02, 1e-9);
}

TEST(LimiterState, NoRateMeansNoWaitButAPauseStillHolds) {
    limiter_state limiter(0, 1, t0);
    expect_immediate_tokens(limiter, 100, t0);
    limiter.pause_for(t0, 3s);
    limiter_ticket ticket;
    auto next = limiter.arrive(t0 + 1s, std::nullopt, ticket);
    ASSERT_EQ(next.what, action::wait);
    EXPECT_NEAR(ms(next.wait), 2000, 0.01);
    limiter.pause_for(t0, 0ms);  // no delay: no pause
    EXPECT_EQ(limiter.stats(t0).pauses, 1u);
}

}  // namespace
}  // namespace hvs::net::limiter_state_test
