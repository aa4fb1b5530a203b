// The ops server's pure request decisions: strict query values, loopback addresses, hidden
// upstream addresses, and the rate bound on refusal warnings.

#include "hvs/service/ops_requests.hpp"

#include <gtest/gtest.h>

namespace hvs::service {
namespace {

using namespace std::chrono_literals;

TEST(OpsRequests, HistoryLimitIsOneDecimalIntegerFrom1To1000) {
    EXPECT_EQ(parse_history_limit({}).value(), 20);
    EXPECT_EQ(parse_history_limit({"5"}).value(), 5);
    EXPECT_EQ(parse_history_limit({"1000"}).value(), 1000);
    for (const char* bad : {"5abc", "-1", "0", "1001", "+5", "", " 5", "99999999999999999999"}) {
        EXPECT_FALSE(parse_history_limit({bad})) << bad;
    }
    EXPECT_FALSE(parse_history_limit({"5", "6"}));
}

TEST(OpsRequests, ProjectIsGivenOnceAndNonEmpty) {
    EXPECT_EQ(parse_project_param({}).value(), std::nullopt);
    EXPECT_EQ(parse_project_param({"WEB"}).value(), std::optional<std::string>("WEB"));
    EXPECT_FALSE(parse_project_param({""}));
    EXPECT_FALSE(parse_project_param({"WEB", "OPS"}));
    EXPECT_FALSE(parse_project_param({std::string(101, 'A')}));
}

TEST(OpsRequests, LoopbackAddresses) {
    for (const char* yes : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) EXPECT_TRUE(is_loopback_address(yes)) << yes;
    for (const char* no : {"0.0.0.0", "::", "10.0.0.1", "localhost", ""}) EXPECT_FALSE(is_loopback_address(no)) << no;
}

TEST(OpsRequests, HideAddressesReplacesLongestFirst) {
    EXPECT_EQ(hide_addresses("cannot connect to huly:3458; GET http://huly:3458/api", {"huly:3458", "http://huly:3458"}),
              "cannot connect to (hidden); GET (hidden)/api");
}

TEST(OpsRequests, LogThrottleAdmitsABurstThenCountsWhatItLeftOut) {
    auto t0 = net::token_bucket::clock::now();
    log_throttle throttle(0.1, 2, t0);
    EXPECT_EQ(throttle.admit(t0), std::optional<std::uint64_t>(0));
    EXPECT_EQ(throttle.admit(t0), std::optional<std::uint64_t>(0));
    EXPECT_EQ(throttle.admit(t0), std::nullopt);
    EXPECT_EQ(throttle.admit(t0 + 1s), std::nullopt);
    EXPECT_EQ(throttle.admit(t0 + 10s), std::optional<std::uint64_t>(2));
}

TEST(OpsRequests, SecretsCompareWholeAndQueriesStayOutOfLogs) {
    EXPECT_TRUE(same_secret("Bearer abc", "Bearer abc"));
    EXPECT_FALSE(same_secret("Bearer abd", "Bearer abc"));
    EXPECT_FALSE(same_secret("Bearer ab", "Bearer abc"));
    EXPECT_FALSE(same_secret("", "x"));
    EXPECT_EQ(single_value({"t"}), "t");
    EXPECT_FALSE(single_value({}));
    EXPECT_FALSE(single_value({"t", "t"})) << "given twice is not given";
    EXPECT_EQ(without_query("/api/webhooks/huly?token=s3cret"), "/api/webhooks/huly");
    EXPECT_EQ(without_query("http://sync:3000/hook?token=s#frag"), "http://sync:3000/hook");
    EXPECT_EQ(without_query("/plain"), "/plain");
}

}  // namespace
}  // namespace hvs::service
