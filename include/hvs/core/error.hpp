#pragma once
// The error model: expected failures (network, HTTP status, parse, configuration) travel as values.
// Every error says which kind it is, and the kind says whether trying again can help.

#include <boost/system/result.hpp>

#include <chrono>
#include <boost/assert/source_location.hpp>
#include <string>
#include <string_view>

namespace hvs {

enum class error_kind {
    resolve,       // host name did not resolve
    connect,       // TCP connect refused or failed
    tls,           // handshake or certificate verification failed
    timeout,       // one attempt (or its connect, resolve, pool wait) ran out of its own time limit
    deadline,      // the request's single deadline (or its cycle's) passed: not retried within the
                   // request, as no time is left for it; the next cycle may succeed
    unavailable,   // the upstream's circuit breaker is open: failing fast until its next probe
    cancelled,     // the caller (cycle deadline, shutdown) cancelled the operation
    closed,        // the peer closed or reset the connection mid-exchange
    http_4xx,      // the upstream rejected the request (not 429)
    http_429,      // the upstream asked us to slow down
    http_5xx,      // the upstream failed
    refused,       // the upstream answered 2xx but refused the request in its body (Vibe's
                   // success:false envelope, an entry of Huly's PATCH errors[]): nothing was written
    protocol,      // malformed HTTP, oversized headers or body
    parse,         // a body that is not the JSON we expect
    invalid,       // a bad value from configuration or the command line
    io,            // local file or database failure
    lease_lost,    // this replica no longer holds the project's lease (PostgreSQL): another replica
                   // writes it now; nothing is written here until the lease is claimed again
};

[[nodiscard]] std::string_view to_string(error_kind kind) noexcept;

// True when repeating the same request later may succeed.
[[nodiscard]] constexpr bool is_transient(error_kind kind) noexcept {
    switch (kind) {
    case error_kind::resolve:
    case error_kind::connect:
    case error_kind::timeout:
    case error_kind::deadline:
    case error_kind::unavailable:
    case error_kind::closed:
    case error_kind::http_429:
    case error_kind::http_5xx:
        return true;
    default:
        return false;
    }
}

struct error {
    error_kind kind = error_kind::protocol;
    std::string message;                  // what went wrong, never containing a secret
    unsigned http_status = 0;             // the upstream's status for http_* kinds
    std::string body;                     // the start of the upstream's error body (bounded)
    std::chrono::milliseconds retry_after{0};  // from a Retry-After header, when given

    [[nodiscard]] bool transient() const noexcept { return is_transient(kind); }
    // "<kind>: <message>" (plus the status), for logs and reports.
    [[nodiscard]] std::string describe() const;
};

error make_error(error_kind kind, std::string message);

// Lets boost::system::result<T, error>::value() throw a readable exception.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, error>;

}  // namespace hvs
