#include "hvs/vibe/client.hpp"

#include "hvs/core/json.hpp"

#include <boost/json/serialize.hpp>

#include <filesystem>

namespace hvs::vibe {

namespace {

// Targets and bodies are built outside the coroutines: GCC 12 cannot keep an initializer_list's
// array in a coroutine frame ("array used as initializer").
std::string target_of(const std::string& base, std::string_view collection, std::string_view id = {}) {
    return id.empty() ? net::build_target(base, {collection}) : net::build_target(base, {collection, id});
}

std::string tasks_of_project(const std::string& base, const std::string& project_id) {
    return net::build_target(base, {"tasks"}, {{"project_id", project_id}});
}

std::string repositories_of_project(const std::string& base, const std::string& project_id) {
    return net::build_target(base, {"projects", project_id, "repositories"});
}

// A multi-repo project: its path is its first repository's.
bool lacks_path(const project& p) { return p.git_repo_path.empty(); }

std::string repositories_probe_target(const std::string& base) {
    return repositories_of_project(base, "00000000-0000-0000-0000-000000000000");
}

std::string repos_init_target(const std::string& base) { return net::build_target(base, {"repos", "init"}); }

// 22ff27d8fd crates/server/src/routes/repo.rs InitRepoRequest {parent_path, folder_name}.
std::string repos_init_body(const std::string& git_repo_path) {
    const std::filesystem::path path(git_repo_path);
    return boost::json::serialize(boost::json::object{{"parent_path", path.parent_path().string()},
                                                      {"folder_name", path.filename().string()}});
}

std::string task_body(const std::string& project_id, const std::string& title, const std::string& description) {
    return boost::json::serialize(
        boost::json::object{{"project_id", project_id}, {"title", title}, {"description", description}});
}

std::string changes_body(const task_changes& changes) {
    boost::json::object body;
    if (changes.title) body["title"] = *changes.title;
    if (changes.description) body["description"] = *changes.description;
    if (changes.status) body["status"] = std::string(to_string(*changes.status));
    return boost::json::serialize(body);
}

}  // namespace

result<boost::json::value> decode_envelope(std::string_view content_type, std::string_view body,
                                           std::string_view what) {
    if (content_type.substr(0, 16) != "application/json") {
        return make_error(error_kind::parse, std::string(what) + ": expected JSON, got '" +
                                                 std::string(content_type.substr(0, 64)) + "'");
    }
    auto doc = core::parse_json(body, what);
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, what);
    if (!obj) return obj.error();
    auto success = core::bool_field(**obj, "success", what);
    if (!success) return success.error();
    if (!*success) {
        auto message = core::optional_string_field(**obj, "message", what);
        // Vibe's soft error (vibe-kanban-api.md §1 kind B): HTTP 200, the request read and refused.
        error e = make_error(error_kind::refused,
                             std::string(what) + ": " + (message && *message ? **message : "no message"));
        e.body = std::string(body.substr(0, 2048));
        return e;
    }
    auto* data = (*obj)->if_contains("data");
    if (!data) return make_error(error_kind::parse, std::string(what) + ": field 'data' is missing");
    return *data;
}

std::string create_project_body(api_generation generation, const std::string& name, const std::string& git_repo_path,
                                bool use_existing_repo) {
    if (generation == api_generation::multi_repo) {
        // 22ff27d8fd crates/db/src/models/project.rs CreateProject {name, repositories} and
        // project_repo.rs CreateProjectRepo {display_name, git_repo_path}.
        return boost::json::serialize(boost::json::object{
            {"name", name},
            {"repositories",
             boost::json::array{boost::json::object{{"display_name", name}, {"git_repo_path", git_repo_path}}}}});
    }
    // v0.0.71 crates/db/src/models/project.rs CreateProject {name, git_repo_path, use_existing_repo}.
    return boost::json::serialize(boost::json::object{
        {"name", name}, {"git_repo_path", git_repo_path}, {"use_existing_repo", use_existing_repo}});
}

result<project> decode_project(const boost::json::value& data) {
    constexpr std::string_view what = "vibe project";
    auto obj = core::object_of(data, what);
    if (!obj) return obj.error();
    project p;
    auto id = core::string_field(**obj, "id", what);
    if (!id) return id.error();
    p.id = *id;
    auto name = core::string_field(**obj, "name", what);
    if (!name) return name.error();
    p.name = *name;
    if (generation_of_project(**obj) == api_generation::multi_repo) return p;
    auto path = core::string_field(**obj, "git_repo_path", what);
    if (!path) return path.error();
    p.git_repo_path = *path;
    return p;
}

result<task> decode_task(const boost::json::value& data) {
    constexpr std::string_view what = "vibe task";
    auto obj = core::object_of(data, what);
    if (!obj) return obj.error();
    task t;
    auto id = core::string_field(**obj, "id", what);
    if (!id) return id.error();
    t.id = *id;
    auto title = core::string_field(**obj, "title", what);
    if (!title) return title.error();
    t.title = *title;
    auto description = core::optional_string_field(**obj, "description", what);
    if (!description) return description.error();
    t.description = *description;
    auto status = core::string_field(**obj, "status", what);
    if (!status) return status.error();
    if (!vibe::parse_task_status(*status)) {
        return make_error(error_kind::parse, std::string(what) + ": unknown status '" + status->substr(0, 32) + "'");
    }
    t.status = *status;
    auto created = core::optional_string_field(**obj, "created_at", what);
    if (!created) return created.error();
    t.created_at = created->value_or("");
    auto updated = core::optional_string_field(**obj, "updated_at", what);
    if (!updated) return updated.error();
    t.updated_at = updated->value_or("");
    return t;
}

net::task<result<net::http_response>> client::send(net::http::verb verb, std::string target, std::string body,
                                                   bool idempotent) {
    net::http_request req{verb, std::move(target), 11};
    req.set(net::http::field::accept, "application/json");
    if (!body.empty()) {
        req.set(net::http::field::content_type, "application/json");
        req.body() = std::move(body);
    }
    co_return co_await http_.send(std::move(req), {.idempotent = idempotent, .timeout = {}});
}

net::task<result<boost::json::value>> client::call(net::http::verb verb, std::string target, std::string body,
                                                   bool idempotent, std::string what) {
    auto res = co_await send(verb, std::move(target), std::move(body), idempotent);
    if (!res) co_return res.error();
    co_return decode_envelope((*res)[net::http::field::content_type], res->body(), what);
}

net::task<result<api_generation>> client::detect_generation() {
    auto res = co_await send(net::http::verb::get, target_of(http_.where().path, "projects"), {}, true);
    if (!res) co_return res.error();
    auto shown = generation_of_projects_answer((*res)[net::http::field::content_type], res->body());
    if (!shown) co_return shown.error();
    if (*shown) {
        generation_ = **shown;
        co_return **shown;
    }
    auto probed = co_await probe_repositories_route();
    if (!probed) co_return probed.error();
    generation_ = *probed;
    co_return *probed;
}

net::task<result<api_generation>> client::probe_repositories_route() {
    auto res = co_await send(net::http::verb::get, repositories_probe_target(http_.where().path), {}, true);
    if (res) co_return generation_of_repositories_probe((*res)[net::http::field::content_type]);
    // The multi-repo project loader refuses the unknown (nil) project.
    if (res.error().kind == error_kind::http_4xx) co_return api_generation::multi_repo;
    co_return res.error();
}

net::task<result<void>> client::init_repository(std::string git_repo_path) {
    auto data = co_await call(net::http::verb::post, repos_init_target(http_.where().path),
                              repos_init_body(git_repo_path), false, "vibe POST /api/repos/init");
    if (!data) co_return data.error();
    co_return result<void>{};
}

net::task<result<std::string>> client::first_repository_path(std::string project_id) {
    // 22ff27d8fd crates/server/src/routes/projects.rs get_project_repositories: data = [Repo {id, path, ...}].
    constexpr std::string_view what = "vibe GET /api/projects/{id}/repositories";
    auto data = co_await call(net::http::verb::get, repositories_of_project(http_.where().path, project_id), {}, true,
                              std::string(what));
    if (!data) co_return data.error();
    auto items = core::array_of(*data, what);
    if (!items) co_return items.error();
    if ((*items)->empty()) co_return std::string{};
    auto repo = core::object_of((*items)->front(), what);
    if (!repo) co_return repo.error();
    co_return core::string_field(**repo, "path", what);
}

net::task<result<std::vector<project>>> client::list_projects() {
    constexpr std::string_view what = "vibe GET /api/projects";
    auto res = co_await send(net::http::verb::get, target_of(http_.where().path, "projects"), {}, true);
    if (!res) co_return res.error();
    auto generation = generation_of_projects_answer((*res)[net::http::field::content_type], res->body());
    if (!generation) co_return generation.error();
    if (*generation == api_generation::unusable) {
        co_return make_error(error_kind::invalid, unusable_vibe_message(http_.where().where.to_string()));
    }
    if (*generation) generation_ = *generation;
    auto data = decode_envelope((*res)[net::http::field::content_type], res->body(), what);
    if (!data) co_return data.error();
    auto items = core::array_of(*data, what);
    if (!items) co_return items.error();
    std::vector<project> out;
    for (const auto& item : **items) {
        auto p = decode_project(item);
        if (!p) co_return p.error();
        out.push_back(std::move(*p));
    }
    for (auto& p : out) {
        if (!lacks_path(p)) continue;
        auto path = co_await first_repository_path(p.id);
        if (!path) co_return path.error();
        p.git_repo_path = std::move(*path);
    }
    co_return out;
}

net::task<result<project>> client::create_project(std::string name, std::string git_repo_path, bool use_existing_repo) {
    if (!generation_) {
        auto detected = co_await detect_generation();
        if (!detected) co_return detected.error();
    }
    const api_generation generation = *generation_;
    if (generation == api_generation::unusable) {
        co_return make_error(error_kind::invalid, unusable_vibe_message(http_.where().where.to_string()));
    }
    if (generation == api_generation::multi_repo && !use_existing_repo) {
        // Multi-repo creates no repository itself (services/project.rs validates every path) and
        // its repos/init needs the parent to exist. The service shares Vibe's filesystem (it
        // checks repository paths on it), so it makes the parent as 0.0.71 did (mkdir -p).
        std::error_code ignored;  // a failure here is reported by repos/init below
        std::filesystem::create_directories(std::filesystem::path(git_repo_path).parent_path(), ignored);
        auto initialised = co_await init_repository(git_repo_path);
        // A refusal (the directory exists already, say) leaves the verdict to the create below.
        if (!initialised && initialised.error().kind != error_kind::http_4xx &&
            initialised.error().kind != error_kind::refused) {
            co_return initialised.error();
        }
    }
    auto data = co_await call(net::http::verb::post, target_of(http_.where().path, "projects"),
                              create_project_body(generation, name, git_repo_path, use_existing_repo), false,
                              "vibe POST /api/projects");
    if (!data) co_return data.error();
    auto created = decode_project(*data);
    if (!created) co_return created.error();
    if (lacks_path(*created)) created->git_repo_path = git_repo_path;
    co_return created;
}

net::task<result<std::vector<task>>> client::list_tasks(std::string project_id) {
    auto data = co_await call(net::http::verb::get, tasks_of_project(http_.where().path, project_id), {}, true,
                              "vibe GET /api/tasks");
    if (!data) co_return data.error();
    auto items = core::array_of(*data, "vibe GET /api/tasks");
    if (!items) co_return items.error();
    std::vector<task> out;
    for (const auto& item : **items) {
        auto t = decode_task(item);
        if (!t) co_return t.error();
        out.push_back(std::move(*t));
    }
    co_return out;
}

net::task<result<bool>> client::task_exists(std::string task_id) {
    auto data = co_await call(net::http::verb::get, target_of(http_.where().path, "tasks", task_id), {}, true,
                              "vibe GET /api/tasks/{id}");
    if (data) co_return true;
    if (data.error().http_status == 404) co_return false;
    co_return data.error();
}

net::task<result<task>> client::create_task(std::string project_id, std::string title,
                                                       std::string description) {
    auto data = co_await call(net::http::verb::post, target_of(http_.where().path, "tasks"),
                              task_body(project_id, title, description), false, "vibe POST /api/tasks");
    if (!data) co_return data.error();
    co_return decode_task(*data);
}

net::task<result<task>> client::update_task(std::string task_id, task_changes changes) {
    // A partial PUT of absolute values is idempotent; writes to one task are never concurrent.
    auto data = co_await call(net::http::verb::put, target_of(http_.where().path, "tasks", task_id),
                              changes_body(changes), true, "vibe PUT /api/tasks/{id}");
    if (!data) co_return data.error();
    co_return decode_task(*data);
}

net::task<result<void>> client::delete_task(std::string task_id) {
    auto data = co_await call(net::http::verb::delete_, target_of(http_.where().path, "tasks", task_id), {}, true,
                              "vibe DELETE /api/tasks/{id}");
    if (!data) co_return data.error();
    co_return result<void>{};
}

net::task<result<void>> client::delete_project(std::string project_id) {
    auto data = co_await call(net::http::verb::delete_, target_of(http_.where().path, "projects", project_id), {}, true,
                              "vibe DELETE /api/projects/{id}");
    if (!data) co_return data.error();
    co_return result<void>{};
}

}  // namespace hvs::vibe
