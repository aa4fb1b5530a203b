#pragma once
// The Vibe Kanban 0.0.71 API (reference vibe-kanban-api.md): typed requests and answers.
// Every answer is checked for its JSON envelope: a 200 HTML page (the SPA fallback) or a
// `success:false` envelope is an error, never data.

#include "hvs/net/http_client.hpp"
#include "hvs/sync/model.hpp"
#include "hvs/sync/status.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hvs::vibe {

struct project {
    std::string id;
    std::string name;
    std::string git_repo_path;
};

// The envelope's data; `what` names the call in errors. Pure, for tests and fuzzing.
[[nodiscard]] result<boost::json::value> decode_envelope(std::string_view content_type, std::string_view body,
                                                         std::string_view what);
[[nodiscard]] result<project> decode_project(const boost::json::value& data);
[[nodiscard]] result<sync::vibe_task> decode_task(const boost::json::value& data);

struct task_changes {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<sync::vibe_status> status;
};

class client {
public:
    explicit client(net::http_client& http) : http_(http) {}

    net::task<result<std::vector<project>>> list_projects();
    net::task<result<project>> create_project(std::string name, std::string git_repo_path, bool use_existing_repo);
    net::task<result<std::vector<sync::vibe_task>>> list_tasks(std::string project_id);
    // Not idempotent: a failed create is never sent again blindly (the next read finds it by marker).
    // GET /api/tasks/{id}: whether the task exists (404: it does not); confirms a deletion.
    net::task<result<bool>> task_exists(std::string task_id);
    net::task<result<sync::vibe_task>> create_task(std::string project_id, std::string title, std::string description);
    // One partial PUT carrying every changed field.
    net::task<result<sync::vibe_task>> update_task(std::string task_id, task_changes changes);
    // 404 (unknown or already deleted) is an error with http_status 404; callers decide.
    net::task<result<void>> delete_task(std::string task_id);
    // Deletes the project's tasks too (Vibe cascades): callers delete only empty projects.
    net::task<result<void>> delete_project(std::string project_id);

private:
    net::task<result<boost::json::value>> call(net::http::verb verb, std::string target, std::string body,
                                               bool idempotent, std::string what);
    net::http_client& http_;
};

}  // namespace hvs::vibe
