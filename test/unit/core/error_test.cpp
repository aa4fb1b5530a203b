#include "hvs/core/error.hpp"

#include <gtest/gtest.h>

namespace hvs {
namespace {

TEST(Error, TransientKindsAreTheOnesWorthRetrying) {
    for (auto kind : {error_kind::resolve, error_kind::connect, error_kind::timeout, error_kind::deadline,
                      error_kind::unavailable,
                      error_kind::closed,
                      error_kind::http_429, error_kind::http_5xx}) {
        EXPECT_TRUE(is_transient(kind)) << to_string(kind);
    }
    for (auto kind : {error_kind::tls, error_kind::cancelled, error_kind::http_4xx, error_kind::refused, error_kind::protocol,
                      error_kind::parse, error_kind::invalid, error_kind::io}) {
        EXPECT_FALSE(is_transient(kind)) << to_string(kind);
    }
}

TEST(Error, DescribeCarriesKindStatusAndMessage) {
    error e = make_error(error_kind::http_4xx, "huly answered 404 to GET /api/projects/X/issues");
    e.http_status = 404;
    EXPECT_EQ(e.describe(), "http_4xx 404: huly answered 404 to GET /api/projects/X/issues");
}

TEST(Error, ResultValueOnErrorThrowsTheDescription) {
    result<int> r = make_error(error_kind::parse, "bad JSON");
    EXPECT_THROW(
        {
            try {
                (void)r.value();
            } catch (const std::runtime_error& ex) {
                EXPECT_STREQ(ex.what(), "parse: bad JSON");
                throw;
            }
        },
        std::runtime_error);
}

}  // namespace
}  // namespace hvs
