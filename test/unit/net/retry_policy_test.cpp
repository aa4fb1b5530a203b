#include "hvs/net/retry_policy.hpp"

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, FullJitterWithinAnExponentialCap) {
    retry_policy p{5, 100ms, 1000ms};
    EXPECT_EQ(backoff_delay(p, 1, 0.999999).count(), 99);
    EXPECT_EQ(backoff_delay(p, 2, 0.5).count(), 100);   // cap 200
    EXPECT_EQ(backoff_delay(p, 3, 0.5).count(), 200);   // cap 400
    EXPECT_EQ(backoff_delay(p, 4, 0.5).count(), 400);   // cap 800
    EXPECT_EQ(backoff_delay(p, 5, 0.5).count(), 500);   // cap 1000 (max)
    EXPECT_EQ(backoff_delay(p, 60, 0.5).count(), 500);  // no overflow for large retry counts
    EXPECT_EQ(backoff_delay(p, 3, 0.0).count(), 0);
    EXPECT_EQ(backoff_delay(p, 0, 0.7).count(), 0);
}

TEST(ShouldRetry, OnlyTransientErrorsOfRepeatableRequestsWhileAttemptsRemain) {
    retry_policy p{3, 100ms, 1000ms};
    auto e5xx = make_error(error_kind::http_5xx, "x");
    EXPECT_TRUE(should_retry(p, 1, e5xx, true));
    EXPECT_TRUE(should_retry(p, 2, e5xx, true));
    EXPECT_FALSE(should_retry(p, 3, e5xx, true));   // attempts include the first
    EXPECT_FALSE(should_retry(p, 1, e5xx, false));  // the caller says it is not safe
    EXPECT_FALSE(should_retry(p, 1, make_error(error_kind::http_4xx, "x"), true));
    EXPECT_FALSE(should_retry(p, 1, make_error(error_kind::parse, "x"), true));
    EXPECT_FALSE(should_retry(p, 1, make_error(error_kind::cancelled, "x"), true));
    EXPECT_TRUE(should_retry(p, 1, make_error(error_kind::timeout, "x"), true));
    EXPECT_FALSE(should_retry(p, 1, make_error(error_kind::timeout, "x"), false));
    EXPECT_FALSE(should_retry(p, 1, make_error(error_kind::unavailable, "breaker open"), true));
}

TEST(ShouldRetry, UnprocessedRequestsMayBeRepeatedEvenWhenNotIdempotent) {
    retry_policy p{3, 100ms, 1000ms};
    EXPECT_TRUE(should_retry(p, 1, make_error(error_kind::connect, "refused"), false));
    EXPECT_TRUE(should_retry(p, 1, make_error(error_kind::http_429, "slow down"), false));
    EXPECT_FALSE(should_retry(p, 3, make_error(error_kind::http_429, "slow down"), false));
}

TEST(RetryAfter, DeltaSecondsAndHttpDates) {
    auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
    EXPECT_EQ(parse_retry_after("2", now), 2000ms);
    EXPECT_EQ(parse_retry_after(" 0 ", now), 0ms);
    EXPECT_EQ(parse_retry_after("0.5", now), 500ms);
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:03 GMT", now), 3000ms);
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0ms);  // in the past
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("-1", now));
    EXPECT_FALSE(parse_retry_after("99999999", now));
}

TEST(WaitRefusal, AWaitBeyondTheCapOrTheDeadlineIsRefusedNamingBoth) {
    retry_policy policy;
    policy.max_retry_after = 300s;
    EXPECT_FALSE(wait_refusal(policy, 2s, std::nullopt));
    EXPECT_FALSE(wait_refusal(policy, 2s, 3s));
    EXPECT_EQ(wait_refusal(policy, 3600s, 2900ms),
              "the next attempt is 3600.0 s away, more than the 2.9 s left before the deadline; not waiting");
    EXPECT_EQ(wait_refusal(policy, 3600s, std::nullopt),
              "the next attempt is 3600.0 s away, more than the longest wait allowed (300.0 s); not waiting");
    EXPECT_TRUE(wait_refusal(policy, 1s, -5ms));  // the deadline already passed
}

}  // namespace
}  // namespace hvs::net
