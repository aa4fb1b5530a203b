#pragma once
// The progress line `once` prints on a terminal as each project's step ends (pure formatting).

#include "hvs/service/cycle.hpp"

#include <string>

namespace hvs::service {

// "[2/3] OPS synced: created 2, tasks updated 0, Huly updated 0, conflicts 0", "[1/3] WEB FAILED: why",
// "[3/3] DOCS skipped (no issues)", and for the PM agent step
// "[1/2] WEB PM agent agent-1: created=1 tools_attached=0 blocks_written=6 files_uploaded=0[; failed: why]".
[[nodiscard]] std::string progress_line(const project_progress& progress);

}  // namespace hvs::service
