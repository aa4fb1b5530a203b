#pragma once
// The Vibe Kanban 0.0.71 API (reference vibe-kanban-api.md): typed requests and answers.
// Every answer is checked for its JSON envelope: a 200 HTML page (the SPA fallback) or a
// `success:false` envelope is an error, never data.

#include "hvs/net/http_client.hpp"
#include "hvs/vibe/generation.hpp"
#include "hvs/vibe/status.hpp"
#include "hvs/vibe/task.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hvs::vibe {

struct project {
    std::string id;
    std::string name;
    // Single-repo: the project's own `git_repo_path`; multi-repo: the path of its first repository.
    std::string git_repo_path;
};

// The envelope's data; `what` names the call in errors. Pure, for tests and fuzzing.
[[nodiscard]] result<boost::json::value> decode_envelope(std::string_view content_type, std::string_view body,
                                                         std::string_view what);
// Either shape; a multi-repo project (no `git_repo_path`) comes back with an empty path.
[[nodiscard]] result<project> decode_project(const boost::json::value& data);
// The body of POST /api/projects in the shape of a usable generation.
[[nodiscard]] std::string create_project_body(api_generation generation, const std::string& name,
                                              const std::string& git_repo_path, bool use_existing_repo);
[[nodiscard]] result<task> decode_task(const boost::json::value& data);

struct task_changes {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<task_status> status;
};

class client {
public:
    explicit client(net::http_client& http) : http_(http) {}

    // Reads GET /api/projects (and, with no project listed, probes the multi-repo repositories
    // route) and remembers the generation found.
    net::task<result<api_generation>> detect_generation();
    [[nodiscard]] std::optional<api_generation> generation() const { return generation_; }

    // On an unusable (>= 0.1.15) Vibe, an error carrying unusable_vibe_message.
    net::task<result<std::vector<project>>> list_projects();
    // Multi-repo: a new repository (use_existing_repo false) is first made by POST /api/repos/init.
    net::task<result<project>> create_project(std::string name, std::string git_repo_path, bool use_existing_repo);
    net::task<result<std::vector<task>>> list_tasks(std::string project_id);
    // Not idempotent: a failed create is never sent again blindly (the next read finds it by marker).
    // GET /api/tasks/{id}: whether the task exists (404: it does not); confirms a deletion.
    net::task<result<bool>> task_exists(std::string task_id);
    net::task<result<task>> create_task(std::string project_id, std::string title, std::string description);
    // One partial PUT carrying every changed field.
    net::task<result<task>> update_task(std::string task_id, task_changes changes);
    // 404 (unknown or already deleted) is an error with http_status 404; callers decide.
    net::task<result<void>> delete_task(std::string task_id);
    // Deletes the project's tasks too (Vibe cascades): callers delete only empty projects.
    net::task<result<void>> delete_project(std::string project_id);

private:
    net::task<result<net::http_response>> send(net::http::verb verb, std::string target, std::string body,
                                               bool idempotent);
    net::task<result<std::string>> first_repository_path(std::string project_id);
    net::task<result<api_generation>> probe_repositories_route();
    net::task<result<void>> init_repository(std::string git_repo_path);
    net::task<result<boost::json::value>> call(net::http::verb verb, std::string target, std::string body,
                                               bool idempotent, std::string what);
    net::http_client& http_;
    std::optional<api_generation> generation_;
};

}  // namespace hvs::vibe
