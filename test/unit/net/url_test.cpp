#include "hvs/net/url.hpp"

#include <gtest/gtest.h>

namespace hvs::net {
namespace {

TEST(BaseUrl, SplitsOriginAndPath) {
    auto u = parse_base_url("http://huly.local:3458/api/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->where.scheme, "http");
    EXPECT_EQ(u->where.host, "huly.local");
    EXPECT_EQ(u->where.port, 3458);
    EXPECT_EQ(u->path, "/api");
    EXPECT_EQ(u->where.to_string(), "http://huly.local:3458");
}

TEST(BaseUrl, DefaultPortsAndHostHeader) {
    auto https = parse_base_url("https://letta.example.com");
    ASSERT_TRUE(https);
    EXPECT_EQ(https->where.port, 443);
    EXPECT_TRUE(https->where.tls());
    EXPECT_EQ(https->where.host_header(), "letta.example.com");
    EXPECT_EQ(https->path, "");
    auto http = parse_base_url("http://vibe/api");
    ASSERT_TRUE(http);
    EXPECT_EQ(http->where.port, 80);
}

TEST(BaseUrl, Ipv6HostsKeepTheirBracketsOnlyInTheHostHeader) {
    auto u = parse_base_url("http://[::1]:8283/v1");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->where.host, "::1");
    EXPECT_EQ(u->where.host_header(), "[::1]:8283");
}

TEST(BaseUrl, RejectsWhatCannotBeABase) {
    for (auto text : {"ftp://x/api", "/api", "http://", "http://h/api?x=1", "http://u:p@h/api", "http://h:0/"}) {
        auto u = parse_base_url(text);
        EXPECT_FALSE(u) << text;
        if (!u) {
            EXPECT_EQ(u.error().kind, error_kind::invalid);
        }
    }
}

TEST(BuildTarget, EncodesSegmentsAndQuery) {
    EXPECT_EQ(build_target("/api", {"projects", "P 1", "issues"}, {{"modifiedAfter", "2025-01-01T00:00:00.000Z"}}),
              "/api/projects/P%201/issues?modifiedAfter=2025-01-01T00:00:00.000Z");
    EXPECT_EQ(build_target("/api", {"issues", "A/B?c"}), "/api/issues/A%2FB%3Fc");
    EXPECT_EQ(build_target("/v1", {"agents", ""}, {{"tags", "project:P1"}, {"tags", "huly-vibe-sync"}}),
              "/v1/agents/?tags=project:P1&tags=huly-vibe-sync");
    EXPECT_EQ(build_target("", {"health"}), "/health");
    EXPECT_EQ(build_target("", {}), "/");
    EXPECT_EQ(build_target("/v1", {"folders"}, {{"name", "a&b=c"}}), "/v1/folders?name=a%26b=c");
}

}  // namespace
}  // namespace hvs::net
