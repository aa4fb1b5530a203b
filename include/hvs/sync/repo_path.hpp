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

// A Huly project identifier of the shape Huly gives them (issue ids are "<IDENTIFIER>-<n>",
// huly-rest-api.md): an uppercase letter, then uppercase letters or digits, at most 16 in all.
// Checked before an identifier becomes a path, a folder name or a log field. Pure.
[[nodiscard]] bool valid_identifier(std::string_view identifier);

// The identifier quoted for an error message: control and non-ASCII bytes as \xNN. Pure.
[[nodiscard]] std::string quoted_identifier(std::string_view identifier);

// <stacks_dir>/huly-sync-placeholders/<identifier>
[[nodiscard]] std::string placeholder_path(std::string_view stacks_dir, std::string_view identifier);

}  // namespace hvs::sync
