#pragma once
// Files inside a repository, reached component by component from the repository's directory fd
// with O_NOFOLLOW: a symlink at any component (".letta" pointing outside, ".letta/.gitignore"
// pointing at a secret) is an error value, never followed. Writes go to an O_EXCL temporary in
// the same directory, fsync'd, then renameat over the target.

#include "hvs/core/error.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace hvs::core {

// The content of <repo>/<relative>, a regular file of at most max_bytes; nullopt when it does not
// exist. `too_large` is set when the size was the reason for an error.
[[nodiscard]] result<std::optional<std::string>> read_repo_file(const std::string& repo, const std::string& relative,
                                                                std::size_t max_bytes, bool* too_large = nullptr);

// Creates the directory <repo>/<relative> (one level, mkdirat) unless it exists as a real directory.
[[nodiscard]] result<void> make_repo_dir(const std::string& repo, const std::string& relative);

// Replaces <repo>/<relative> with `content` (mode 0644), never through a symlink.
[[nodiscard]] result<void> write_repo_file(const std::string& repo, const std::string& relative,
                                           const std::string& content);

}  // namespace hvs::core
