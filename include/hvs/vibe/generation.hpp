#pragma once
// Which generation of the Vibe Kanban local API a server speaks, told from what it answers to
// GET /api/projects (never from /api/health, which answers OK on every generation).
// Reference: shared/reference/upstreams-2026.md (Vibe section); upstream BloopAI/vibe-kanban
// crates/db/src/models/project.rs at v0.0.71 (`git_repo_path` on projects), at 22ff27d8fd
// "feat: multi repo projects" (no path on projects; `GET /api/projects/{id}/repositories`;
// create takes `repositories: [{display_name, git_repo_path}]`), and 139b18158d (local routes
// deleted in 0.1.15: `GET /api/projects` falls through to the web page).

#include "hvs/core/error.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace hvs::vibe {

enum class api_generation {
    single_repo,  // <= 0.0.136 (and 0.0.139): `git_repo_path` on each project
    multi_repo,   // 0.0.140 - 0.1.14: projects carry no path; repositories are listed per project
    unusable,     // >= 0.1.15: no local project or task API
};

// "single-repo, ≤ 0.0.136" etc.: the generation and the versions that speak it.
[[nodiscard]] std::string_view describe(api_generation generation) noexcept;

// The one line that says why an unusable Vibe stops the service and which versions work.
[[nodiscard]] std::string unusable_vibe_message(std::string_view url);

// The generation a successful GET /api/projects answer shows: a page that is not JSON is the
// web app of >= 0.1.15; a project with `git_repo_path` is single-repo, one without is multi-repo.
// nullopt when the answer lists no project (both usable generations look alike then: see below).
// A JSON answer that is not a projects envelope is an error.
[[nodiscard]] result<std::optional<api_generation>> generation_of_projects_answer(std::string_view content_type,
                                                                                  std::string_view body);

// With no project to tell by, GET /api/projects/{nil}/repositories does: single-repo servers have no
// such route and answer their web page; multi-repo ones answer the project loader's 404 (an error).
[[nodiscard]] api_generation generation_of_repositories_probe(std::string_view content_type) noexcept;

// The generation one project object shows (single-repo when it carries `git_repo_path`).
[[nodiscard]] api_generation generation_of_project(const boost::json::object& project) noexcept;

}  // namespace hvs::vibe
