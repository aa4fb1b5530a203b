#pragma once
// Small helpers the simulators share to read request targets and build responses.

#include "hvs/sim/simulator.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hvs::sim {

using boost::beast::http::status;

// A request target split into its decoded path segments and decoded query parameters.
struct target {
    std::string path;                                         // decoded path, e.g. "/api/issues/P-1"
    std::vector<std::string> segments;                        // {"api", "issues", "P-1"}
    std::vector<std::pair<std::string, std::string>> query;   // in request order, repeats kept
    bool trailing_slash = false;                              // "/v1/agents/" → true

    // First value of a query parameter, if present (an empty value is present).
    [[nodiscard]] std::optional<std::string> param(std::string_view key) const;
    // Every value of a repeated query parameter, in order.
    [[nodiscard]] std::vector<std::string> params(std::string_view key) const;
};

// Parses an origin-form target ("/path?query"); nullopt when it is not a valid one.
std::optional<target> parse_target(std::string_view raw);

// A response whose body is the serialised JSON value, Content-Type application/json.
response json_response(status code, const boost::json::value& body,
                       std::string_view content_type = "application/json");
// A response with a plain body and the given Content-Type.
response text_response(status code, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
// A response with no body at all (Content-Length: 0).
response empty_response(status code);

}  // namespace hvs::sim
