#pragma once
// The Vibe project a Huly project is mirrored into: the one the mirror decision names, or a new one
// on the repository the Huly description names (inside the allowed roots) or a placeholder.

#include "hvs/sync/mirror.hpp"
#include "hvs/sync/project_sync.hpp"

#include <string>

namespace hvs::sync {

// The Vibe project's id. `repo_path` is set to the repository a new project was given.
net::task<result<std::string>> ensure_vibe_project(sync_context& ctx, const huly::project& project,
                                                   const mirror_decision& mirror, std::string& repo_path);

}  // namespace hvs::sync
