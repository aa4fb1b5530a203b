#pragma once
// A request has one deadline (its own, or its cycle's when that comes first): every step — the
// limiter's wait, each attempt with its resolve and connect, each backoff — is clipped to it, and
// nothing starts once it has passed. Pure decisions taking the clock's reading as a parameter.

#include "hvs/core/error.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace hvs::net {

// When a step must end, and whether that is the deadline rather than the step's own limit (so a
// step that runs out there failed by the deadline, not by its timeout).
struct step_bound {
    std::chrono::steady_clock::time_point until;
    bool by_deadline = false;
};

// The bound of a step that wants `wanted` from `now`, clipped to `deadline` (nullopt: none).
// nullopt when the deadline has passed: the step must not start.
[[nodiscard]] std::optional<step_bound> clip_to_deadline(std::chrono::steady_clock::time_point now,
                                                         std::optional<std::chrono::steady_clock::time_point> deadline,
                                                         std::chrono::steady_clock::duration wanted);

// The earlier of two deadlines, either of which may be absent.
[[nodiscard]] std::optional<std::chrono::steady_clock::time_point> earliest(
    std::optional<std::chrono::steady_clock::time_point> a, std::optional<std::chrono::steady_clock::time_point> b);

// error_kind::deadline for `what` (e.g. "huly GET /api/projects"), saying which step it cut short.
[[nodiscard]] error deadline_passed(const std::string& what, const std::string& during);

}  // namespace hvs::net
