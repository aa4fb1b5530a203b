#pragma once
// The start-up check shared by `once` and `run`: a Vibe without the local task API (>= 0.1.15)
// stops the command before its first cycle, with one line that says why and what works.

#include "hvs/vibe/client.hpp"

#include <string>

namespace hvs::app {

// exit_usage after printing the one line on stderr when Vibe answers as >= 0.1.15; exit_ok
// otherwise (an unreachable or failing Vibe is the cycle's failure to report, not start-up's).
// The client remembers the generation it found, so the first cycle creates projects in its shape.
net::task<int> refuse_unusable_vibe(vibe::client& vibe, std::string url);

}  // namespace hvs::app
