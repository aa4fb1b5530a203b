#include "hvs/core/error.hpp"

#include <stdexcept>

namespace hvs {

std::string_view to_string(error_kind kind) noexcept {
    switch (kind) {
    case error_kind::resolve: return "resolve";
    case error_kind::connect: return "connect";
    case error_kind::tls: return "tls";
    case error_kind::timeout: return "timeout";
    case error_kind::deadline: return "deadline";
    case error_kind::unavailable: return "unavailable";
    case error_kind::cancelled: return "cancelled";
    case error_kind::closed: return "closed";
    case error_kind::http_4xx: return "http_4xx";
    case error_kind::http_429: return "http_429";
    case error_kind::http_5xx: return "http_5xx";
    case error_kind::refused: return "refused";
    case error_kind::protocol: return "protocol";
    case error_kind::parse: return "parse";
    case error_kind::invalid: return "invalid";
    case error_kind::io: return "io";
    case error_kind::lease_lost: return "lease_lost";
    }
    return "unknown";
}

std::string error::describe() const {
    std::string out{to_string(kind)};
    if (http_status != 0) out += " " + std::to_string(http_status);
    out += ": ";
    out += message;
    return out;
}

error make_error(error_kind kind, std::string message) {
    error e;
    e.kind = kind;
    e.message = std::move(message);
    return e;
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw std::runtime_error(e.describe());
}

}  // namespace hvs
