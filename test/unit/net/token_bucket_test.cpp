#include "hvs/net/token_bucket.hpp"

#include <gtest/gtest.h>

namespace hvs::net::token_bucket_test {
namespace {

using namespace std::chrono_literals;
using time_point = token_bucket::time_point;

const time_point t0{std::chrono::seconds(1000)};

double ms(token_bucket::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

TEST(TokenBucket, BurstIsImmediateThenPacedAtRate) {
    token_bucket bucket(10, 3, t0);  // 10/s = one token per 100 ms
    EXPECT_EQ(ms(bucket.reserve(t0)), 0);
    EXPECT_EQ(ms(bucket.reserve(t0)), 0);
    EXPECT_EQ(ms(bucket.reserve(t0)), 0);
    EXPECT_NEAR(ms(bucket.reserve(t0)), 100, 0.01);
    EXPECT_NEAR(ms(bucket.reserve(t0)), 200, 0.01);  // queued behind the previous reservation: FIFO
}

TEST(TokenBucket, RefillsWithElapsedTimeUpToBurst) {
    token_bucket bucket(10, 2, t0);
    bucket.reserve(t0);
    bucket.reserve(t0);
    EXPECT_NEAR(bucket.available(t0 + 50ms), 0.5, 1e-9);
    EXPECT_NEAR(bucket.available(t0 + 10s), 2.0, 1e-9);  // capped at burst
    EXPECT_EQ(ms(bucket.reserve(t0 + 10s)), 0);
}

TEST(TokenBucket, ReservationsSpaceRequestsAtTheRate) {
    token_bucket bucket(50, 1, t0);
    double previous = -1;
    for (int i = 0; i < 100; ++i) {
        double wait = ms(bucket.reserve(t0));
        EXPECT_NEAR(wait, i * 20.0, 0.01);
        EXPECT_GT(wait, previous);
        previous = wait;
    }
}

TEST(TokenBucket, RefundReturnsACancelledReservation) {
    token_bucket bucket(10, 1, t0);
    bucket.reserve(t0);
    EXPECT_NEAR(ms(bucket.reserve(t0)), 100, 0.01);
    bucket.refund(t0);  // that waiter gave up
    EXPECT_NEAR(ms(bucket.reserve(t0)), 100, 0.01);
}

TEST(TokenBucket, PauseHoldsEveryTokenUntilItEnds) {
    token_bucket bucket(10, 5, t0);
    bucket.pause_until(t0 + 2s, t0);
    EXPECT_NEAR(ms(bucket.reserve(t0)), 2100, 0.01);         // balance dropped to zero, refill starts at t0+2s
    EXPECT_NEAR(ms(bucket.reserve(t0 + 1s)), 1200, 0.01);    // next in line, asked a second later
    EXPECT_LE(bucket.available(t0 + 2s), 0.0);
}

TEST(TokenBucket, APauseVoidsQueuedReservationsSoTheyAreSpacedAfterIt) {
    token_bucket bucket(10, 1, t0);
    bucket.reserve(t0);
    for (int i = 0; i < 5; ++i) bucket.reserve(t0);  // a queue of five
    bucket.pause_until(t0 + 1s, t0);
    // Re-reserving after the pause (as the limiter's waiters do) spaces them at the rate again.
    EXPECT_NEAR(ms(bucket.reserve(t0 + 100ms)), 1000, 0.01);
    EXPECT_NEAR(ms(bucket.reserve(t0 + 150ms)), 1050, 0.01);
    EXPECT_NEAR(ms(bucket.reserve(t0 + 200ms)), 1100, 0.01);
}

TEST(TokenBucket, PauseNeverShortensAnEarlierOne) {
    token_bucket bucket(10, 1, t0);
    bucket.pause_until(t0 + 5s, t0);
    bucket.pause_until(t0 + 1s, t0);
    EXPECT_EQ(bucket.paused_until(), t0 + 5s);
}

TEST(TokenBucket, ZeroRateIsUnlimitedButStillHonoursPauses) {
    token_bucket bucket(0, 1, t0);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(ms(bucket.reserve(t0)), 0);
    bucket.pause_until(t0 + 3s, t0);
    EXPECT_NEAR(ms(bucket.reserve(t0 + 1s)), 2000, 0.01);
}

TEST(TokenBucket, TryTakeAdmitsTheBurstThenSaysWhenTheNextTokenComes) {
    token_bucket bucket(4, 2, t0);  // one token per 250 ms
    EXPECT_TRUE(bucket.try_take(t0));
    EXPECT_TRUE(bucket.try_take(t0));
    EXPECT_FALSE(bucket.try_take(t0));
    EXPECT_NEAR(ms(bucket.until_available(t0)), 250, 0.01);
    EXPECT_NEAR(ms(bucket.until_available(t0 + 100ms)), 150, 0.01);
    EXPECT_TRUE(bucket.try_take(t0 + 250ms));
    EXPECT_FALSE(bucket.try_take(t0 + 250ms));
}

}  // namespace
}  // namespace hvs::net::token_bucket_test
