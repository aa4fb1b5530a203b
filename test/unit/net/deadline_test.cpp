// The request deadline's pure decisions (clock given as a parameter), the bounded resolve step with
// fake resolvers, and the limiter's refusal of a token that would come after the deadline.

#include "hvs/net/deadline.hpp"
#include "hvs/net/rate_limiter.hpp"
#include "hvs/net/resolve.hpp"

#include "support/run_async.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

using namespace std::chrono_literals;

const steady_clock::time_point reading{std::chrono::hours(1)};

TEST(ClipToDeadline, WithoutADeadlineTheStepKeepsItsOwnLimit) {
    auto bound = clip_to_deadline(reading, std::nullopt, 300ms);
    ASSERT_TRUE(bound);
    EXPECT_EQ(bound->until, reading + 300ms);
    EXPECT_FALSE(bound->by_deadline);
}

TEST(ClipToDeadline, ALaterDeadlineLeavesTheStepAlone) {
    auto bound = clip_to_deadline(reading, reading + 1s, 300ms);
    ASSERT_TRUE(bound);
    EXPECT_EQ(bound->until, reading + 300ms);
    EXPECT_FALSE(bound->by_deadline);
}

TEST(ClipToDeadline, AnEarlierDeadlineCutsTheStepAndSaysSo) {
    auto bound = clip_to_deadline(reading, reading + 100ms, 300ms);
    ASSERT_TRUE(bound);
    EXPECT_EQ(bound->until, reading + 100ms);
    EXPECT_TRUE(bound->by_deadline);
}

TEST(ClipToDeadline, NothingStartsAtOrAfterTheDeadline) {
    EXPECT_FALSE(clip_to_deadline(reading, reading, 300ms));
    EXPECT_FALSE(clip_to_deadline(reading + 1ms, reading, 300ms));
    EXPECT_FALSE(clip_to_deadline(reading, reading - 5s, 0ms));
}

TEST(Earliest, TheEarlierOfTwoOptionalDeadlines) {
    EXPECT_FALSE(earliest(std::nullopt, std::nullopt));
    EXPECT_EQ(earliest(reading, std::nullopt), reading);
    EXPECT_EQ(earliest(std::nullopt, reading), reading);
    EXPECT_EQ(earliest(reading + 1s, reading), reading);
}

TEST(ErrorKind, ADeadlineIsForTheNextCycleNotTheSameRequest) {
    auto e = deadline_passed("huly GET /api/projects", "before attempt 3");
    EXPECT_EQ(e.kind, error_kind::deadline);
    EXPECT_TRUE(e.transient());  // a later cycle may succeed ...
    EXPECT_EQ(e.describe(),
              "deadline: huly GET /api/projects: the request's deadline passed before attempt 3; not retried "
              "within this request");
}

// A resolver that never answers, as a hung getaddrinfo.
task<result<resolved_endpoints>> hung_lookup(std::string, std::string) {
    asio::steady_timer forever(co_await asio::this_coro::executor, steady_clock::time_point::max());
    co_await forever.async_wait(use_nothrow);
    co_return make_error(error_kind::resolve, "unreachable");
}

task<result<resolved_endpoints>> instant_lookup(std::string host, std::string port) {
    auto endpoint = asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 8080);
    co_return resolved_endpoints::create(endpoint, host, port);
}

TEST(ResolveUntil, AResolverThatNeverAnswersIsLeftBehindAtTheBound) {
    asio::io_context ioc;
    const auto started = steady_clock::now();
    auto outcome = hvs::test::run_async(ioc, resolve_until(hung_lookup, "stuck.example", "80", started + 50ms));
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().kind, error_kind::timeout);
    EXPECT_GE(steady_clock::now() - started, 50ms);
    EXPECT_LT(steady_clock::now() - started, 5s);
}

TEST(ResolveUntil, AnAnswerBeforeTheBoundIsHandedOn) {
    asio::io_context ioc;
    auto outcome = hvs::test::run_async(ioc, resolve_until(instant_lookup, "quick.example", "8080",
                                                           steady_clock::now() + 10s));
    ASSERT_TRUE(outcome) << outcome.error().describe();
    EXPECT_EQ(outcome->begin()->endpoint().port(), 8080);
}

TEST(RateLimiter, ATokenThatWouldComeAfterTheDeadlineIsRefusedAtOnceAndGivenBack) {
    asio::io_context ioc;
    rate_limiter limiter(1, 1);  // one token a second
    ASSERT_TRUE(hvs::test::run_async(ioc, limiter.acquire()));
    auto refused = hvs::test::run_async(ioc, limiter.acquire(steady_clock::now() + 100ms));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, error_kind::deadline);
    EXPECT_EQ(limiter.stats().waits, 0u);  // not waited for
    EXPECT_EQ(limiter.stats().acquired, 1u);
    EXPECT_GT(limiter.stats().tokens, -0.5);  // the reservation was given back
}

}  // namespace
}  // namespace hvs::net
