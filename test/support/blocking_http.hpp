#pragma once
// A plain blocking HTTP/1.1 exchange for contract tests: they test servers (the simulators and the
// real Vibe Kanban), so they talk to them without the product's client. Answers of every status
// come back as responses; only I/O failures throw.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <string>

namespace hvs::test {

using raw_request = boost::beast::http::request<boost::beast::http::string_body>;
using raw_response = boost::beast::http::response<boost::beast::http::string_body>;

// Sends one request on a new connection to host:port and returns the full response.
// Fills in Host, User-Agent and Content-Length. Throws std::runtime_error on I/O errors.
raw_response blocking_exchange(const std::string& host, std::uint16_t port, raw_request req);

// Convenience: method + target + optional JSON body (Content-Type: application/json when non-empty).
raw_response blocking_call(const std::string& host, std::uint16_t port, boost::beast::http::verb method,
                           const std::string& target, const std::string& json_body = "");

}  // namespace hvs::test
