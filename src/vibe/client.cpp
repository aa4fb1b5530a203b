#include "hvs/vibe/client.hpp"

#include "hvs/core/json.hpp"

#include <boost/json/serialize.hpp>

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

std::string project_body(const std::string& name, const std::string& path, bool use_existing_repo) {
    return boost::json::serialize(
        boost::json::object{{"name", name}, {"git_repo_path", path}, {"use_existing_repo", use_existing_repo}});
}

std::string task_body(const std::string& project_id, const std::string& title, const std::string& description) {
    return boost::json::serialize(
        boost::json::object{{"project_id", project_id}, {"title", title}, {"description", description}});
}

std::string changes_body(const task_changes& changes) {
    boost::json::object body;
    if (changes.title) body["title"] = *changes.title;
    if (changes.description) body["description"] = *changes.description;
    if (changes.status) body["status"] = std::string(sync::to_string(*changes.status));
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
        error e = make_error(error_kind::http_4xx,
                             std::string(what) + " refused: " + (message && *message ? **message : "no message"));
        e.http_status = 200;
        e.body = std::string(body.substr(0, 2048));
        return e;
    }
    auto* data = (*obj)->if_contains("data");
    if (!data) return make_error(error_kind::parse, std::string(what) + ": field 'data' is missing");
    return *data;
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
    auto path = core::string_field(**obj, "git_repo_path", what);
    if (!path) return path.error();
    p.git_repo_path = *path;
    return p;
}

result<sync::vibe_task> decode_task(const boost::json::value& data) {
    constexpr std::string_view what = "vibe task";
    auto obj = core::object_of(data, what);
    if (!obj) return obj.error();
    sync::vibe_task t;
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
    if (!sync::parse_vibe_status(*status)) {
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

net::task<result<boost::json::value>> client::call(net::http::verb verb, std::string target, std::string body,
                                                   bool idempotent, std::string what) {
    net::http_request req{verb, std::move(target), 11};
    req.set(net::http::field::accept, "application/json");
    if (!body.empty()) {
        req.set(net::http::field::content_type, "application/json");
        req.body() = std::move(body);
    }
    auto res = co_await http_.send(std::move(req), {.idempotent = idempotent, .timeout = {}});
    if (!res) co_return res.error();
    co_return decode_envelope((*res)[net::http::field::content_type], res->body(), what);
}

net::task<result<std::vector<project>>> client::list_projects() {
    auto data = co_await call(net::http::verb::get, target_of(http_.where().path, "projects"), {}, true,
                              "vibe GET /api/projects");
    if (!data) co_return data.error();
    auto items = core::array_of(*data, "vibe GET /api/projects");
    if (!items) co_return items.error();
    std::vector<project> out;
    for (const auto& item : **items) {
        auto p = decode_project(item);
        if (!p) co_return p.error();
        out.push_back(std::move(*p));
    }
    co_return out;
}

net::task<result<project>> client::create_project(std::string name, std::string git_repo_path, bool use_existing_repo) {
    auto data = co_await call(net::http::verb::post, target_of(http_.where().path, "projects"),
                              project_body(name, git_repo_path, use_existing_repo), false, "vibe POST /api/projects");
    if (!data) co_return data.error();
    co_return decode_project(*data);
}

net::task<result<std::vector<sync::vibe_task>>> client::list_tasks(std::string project_id) {
    auto data = co_await call(net::http::verb::get, tasks_of_project(http_.where().path, project_id), {}, true,
                              "vibe GET /api/tasks");
    if (!data) co_return data.error();
    auto items = core::array_of(*data, "vibe GET /api/tasks");
    if (!items) co_return items.error();
    std::vector<sync::vibe_task> out;
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

net::task<result<sync::vibe_task>> client::create_task(std::string project_id, std::string title,
                                                       std::string description) {
    auto data = co_await call(net::http::verb::post, target_of(http_.where().path, "tasks"),
                              task_body(project_id, title, description), false, "vibe POST /api/tasks");
    if (!data) co_return data.error();
    co_return decode_task(*data);
}

net::task<result<sync::vibe_task>> client::update_task(std::string task_id, task_changes changes) {
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
