#pragma once
// The interface every upstream simulator implements. A simulator is pure state plus routing:
// `handle` applies one request and returns the answer synchronously. Latency, admitted rate,
// fault injection, request counting and sockets are added around it by sim::host.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace hvs::sim {

class event_stream;

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

// Wall clock a simulator stamps records with; tests inject a fixed or stepping clock.
using clock_fn = std::function<std::chrono::system_clock::time_point()>;

class simulator {
public:
    virtual ~simulator() = default;

    // "huly", "vibe" or "letta".
    [[nodiscard]] virtual std::string_view name() const = 0;

    // The route template a request matches, e.g. "GET /api/projects/{id}/issues", or
    // "unmatched" — used to count requests and to target injected faults.
    [[nodiscard]] virtual std::string route_of(const request& req) const = 0;

    // Applies the request to the state and returns the upstream's answer. No I/O, no sleeping.
    virtual response handle(const request& req) = 0;

    // A new subscriber of the event feed `req` asks for (its head and the frames to send), or
    // nullptr when `req` is not such a request and goes to `handle`.
    virtual std::shared_ptr<event_stream> open_stream(const request& /*req*/) { return nullptr; }

    // Replaces the whole state from a seed document (format documented per simulator).
    virtual void seed(const boost::json::value& document) = 0;

    // The whole state as JSON, for assertions and the admin API.
    [[nodiscard]] virtual boost::json::value state() const = 0;
};

}  // namespace hvs::sim
