#pragma once
// A project's repository as its PM agent sees it, for an allowed repository path only:
// - README.md into folder "Huly-<ID>" as "<ID>-README.md" (LETTA_ATTACH_REPO_DOCS),
// - the tracked text files (`git ls-files`, by type, at most 1 MB each and LETTA_MAX_FILES in all)
//   into folder "Huly-<ID>-root" (LETTA_UPLOAD_PROJECT_FILES),
// each uploaded with replace semantics only when its content hash differs from the one Letta last
// accepted into that folder (table letta_files), or Letta no longer has the file. Folders are found
// by exact name, created when missing (409 = exists: looked up again, never a placeholder),
// attached to the agent, and recorded as this service's resources. And the Letta Code hand-off:
// <repo>/.letta/settings.local.json {"lastAgent": id} beside a .gitignore naming it; a failure to
// write it is a warning. Every filesystem read, write and the git run happen on the blocking-work
// pool (core::blocking_pool), never on the I/O thread nor on the database thread, whose other
// projects' commits a slow repository would otherwise hold up.

#include "hvs/agents/pm_agent.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

inline constexpr std::size_t max_project_file_bytes = letta::max_upload_bytes;

// "Huly-<ID>" and "Huly-<ID>-root".
[[nodiscard]] std::string readme_folder_name(std::string_view identifier);
[[nodiscard]] std::string files_folder_name(std::string_view identifier);
// "<ID>-README.md".
[[nodiscard]] std::string readme_upload_name(std::string_view identifier);

// Whether a repository-relative path is a text file worth giving the agent: by extension (.md
// .json .yaml .yml .toml .js .ts .tsx .py .go .rs .java .c .cc .cpp .h .hpp .sh .sql .proto) or by
// name (Dockerfile, Makefile, CMakeLists.txt).
[[nodiscard]] bool is_project_file(std::string_view path);
// The name a file gets in its folder: '/' becomes '_' (Letta keeps only the base name) and leading
// dots become '_' (Letta refuses names starting with '.').
[[nodiscard]] std::string upload_name(std::string_view path);
// A media type Letta accepts for the file (it refuses unknown types with 415).
[[nodiscard]] std::string upload_content_type(std::string_view path);
// The paths in `git ls-files -z` output.
[[nodiscard]] std::vector<std::string> split_nul_list(std::string_view output);
// What settings.local.json should contain so that lastAgent is `agent_id`, keeping the other keys
// of an existing file (`existing` empty = no file). The same text when nothing changes; none when
// the existing file is not a JSON object (it is then left alone).
[[nodiscard]] std::optional<std::string> letta_settings_content(std::string_view existing,
                                                                const std::string& agent_id);

struct repo_docs_outcome {
    bool repository = false;             // the path was allowed (anything was looked at)
    unsigned uploaded = 0;
    unsigned unchanged = 0;
    std::vector<std::string> warnings;   // hand-off files not written, files skipped
};

// Everything above for `project` and its agent. An error (an upload, folder or git failure) says
// what failed; the files that did upload keep their hashes.
net::task<result<repo_docs_outcome>> sync_repo_docs(agent_context& ctx, project_facts project, std::string agent_id);

}  // namespace hvs::agents
