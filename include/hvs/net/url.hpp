#pragma once
// Upstream addresses: the origin a connection pool is keyed by, and request targets built under
// a base path with properly encoded query parameters.

#include "hvs/core/error.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hvs::net {

struct origin {
    std::string scheme;  // "http" or "https"
    std::string host;    // name or address, without brackets
    std::uint16_t port = 0;

    [[nodiscard]] bool tls() const { return scheme == "https"; }
    // "scheme://host:port" — also the Host header's source.
    [[nodiscard]] std::string to_string() const;
    // The Host header value: the port is omitted when it is the scheme's default.
    [[nodiscard]] std::string host_header() const;
    friend bool operator==(const origin&, const origin&) = default;
};

struct base_url {
    origin where;
    std::string path;  // without a trailing slash; "" for the root
};

// Parses an absolute http(s) URL; the path becomes the base for request targets. A query or
// fragment is refused (error_kind::invalid).
[[nodiscard]] result<base_url> parse_base_url(std::string_view text);

using query_params = std::vector<std::pair<std::string, std::string>>;

// The base path, then each segment percent-encoded (so an id cannot add segments or a query),
// then the encoded query. An empty last segment yields a trailing slash.
// build_target("/api", {"projects", "P 1", "issues"}, {{"modifiedAfter", "2025-01-01T00:00:00Z"}})
//   → "/api/projects/P%201/issues?modifiedAfter=2025-01-01T00:00:00Z"
[[nodiscard]] std::string build_target(std::string_view base_path, std::initializer_list<std::string_view> segments,
                                       const query_params& query = {});

// Percent-encodes one path segment (so an id cannot add segments or a query).
[[nodiscard]] std::string encode_segment(std::string_view segment);

}  // namespace hvs::net
