#pragma once
// Where the Vibe contract suite runs: the in-process simulator, or the real Vibe Kanban 0.0.71
// binary started by scripts/real-vibe.sh (skipped, with the reason, when it cannot be had).

#include <cstdint>
#include <memory>
#include <string>

namespace hvs::test {

struct vibe_target {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string skip_reason;  // non-empty: this target is unavailable
};

// The simulator, served from a background thread; started on first use, kept for the process.
const vibe_target& simulated_vibe();
// The real server; started on first use, stopped when the process exits.
const vibe_target& real_vibe();

}  // namespace hvs::test
