#include "hvs/net/deadline.hpp"

#include <algorithm>

namespace hvs::net {

std::optional<step_bound> clip_to_deadline(std::chrono::steady_clock::time_point now,
                                           std::optional<std::chrono::steady_clock::time_point> deadline,
                                           std::chrono::steady_clock::duration wanted) {
    const auto own = now + wanted;
    if (!deadline) return step_bound{own, false};
    if (*deadline <= now) return std::nullopt;
    if (*deadline < own) return step_bound{*deadline, true};
    return step_bound{own, false};
}

std::optional<std::chrono::steady_clock::time_point> earliest(std::optional<std::chrono::steady_clock::time_point> a,
                                                              std::optional<std::chrono::steady_clock::time_point> b) {
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

error deadline_passed(const std::string& what, const std::string& during) {
    return make_error(error_kind::deadline, what + ": the request's deadline passed " + during +
                                                "; not retried within this request");
}

}  // namespace hvs::net
