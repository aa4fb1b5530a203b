#pragma once
// Where a new Vibe project's repository lives: a path named in the Huly description, accepted
// only inside an allowed root (after resolving symlinks and "..") and only if it is a git
// repository; otherwise a placeholder under STACKS_DIR.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::sync {

// The path after "Path:", "Filesystem:", "Directory:" or "Location:" (first match, case-insensitive
// keyword, optional backticks or quotes around it). Pure.
[[nodiscard]] std::optional<std::string> described_path(std::string_view description);

enum class path_verdict { allowed, not_absolute, outside_roots, missing, not_a_git_repository };

struct path_check {
    path_verdict verdict = path_verdict::missing;
    std::string resolved;  // the canonical path when it could be resolved
};

// Reads the filesystem (stat and symlink resolution only; never writes).
[[nodiscard]] path_check check_repo_path(const std::string& path, const std::vector<std::string>& allowed_roots);

[[nodiscard]] std::string_view to_string(path_verdict verdict);

// <stacks_dir>/huly-sync-placeholders/<identifier>
[[nodiscard]] std::string placeholder_path(std::string_view stacks_dir, std::string_view identifier);

}  // namespace hvs::sync
