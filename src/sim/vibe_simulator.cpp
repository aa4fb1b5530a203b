#include "hvs/sim/vibe_simulator.hpp"

#include "hvs/sim/http_util.hpp"

#include "serde_json_reader.hpp"
#include "vibe_format.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>

namespace hvs::sim {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono;
using serde::field_kind;
using serde::field_spec;
using serde::field_value;
using serde::struct_values;
using vibe_format::envelope;
using vibe_format::failure;
using vibe_format::method_not_allowed;
using vibe_format::parse_uuid;
using vibe_format::project_json;
using vibe_format::spa_page;
using vibe_format::task_json;
using vibe_format::task_list_json;

constexpr std::array<std::string_view, 5> task_statuses = {"todo", "inprogress", "inreview", "done", "cancelled"};
constexpr std::string_view fk_failed =
    "DatabaseError: error returned from database: (code: 787) FOREIGN KEY constraint failed";
constexpr std::string_view database_locked =
    "DatabaseError: error returned from database: (code: 5) database is locked";
constexpr std::string_view duplicate_path = "A project with this git repository path already exists";

// Why the server refuses `path` as an existing repository (the soft-error messages of
// routes/projects.rs create_project, the same in 0.0.71 and at 22ff27d8fd).
std::optional<std::string_view> git_repository_problem(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty() || !fs::exists(path, ec)) return "The specified path does not exist";
    if (!fs::is_directory(path, ec)) return "The specified path is not a directory";
    if (!fs::exists(fs::path(path) / ".git", ec)) return "The specified directory is not a git repository";
    return std::nullopt;
}

// Multi-repo CreateProject (22ff27d8fd crates/db/src/models/project.rs): {name, repositories: Vec<CreateProjectRepo>};
// the repositories are read by hand below (the serde reader knows flat structs only).
constexpr std::array<field_spec, 1> create_multi_repo_project_fields = {{
    {"name", field_kind::string},
}};
// 22ff27d8fd crates/server/src/routes/repo.rs InitRepoRequest.
constexpr std::array<field_spec, 2> init_repo_fields = {{
    {"parent_path", field_kind::string},
    {"folder_name", field_kind::string},
}};

bool is_status(std::string_view s) {
    return std::find(task_statuses.begin(), task_statuses.end(), s) != task_statuses.end();
}

// The request structs, as serde sees them: field names and types in declaration order.
constexpr std::array<field_spec, 7> create_project_fields = {{
    {"name", field_kind::string},
    {"git_repo_path", field_kind::string},
    {"use_existing_repo", field_kind::boolean},
    {"setup_script", field_kind::opt_string},
    {"dev_script", field_kind::opt_string},
    {"cleanup_script", field_kind::opt_string},
    {"copy_files", field_kind::opt_string},
}};
constexpr std::array<field_spec, 6> update_project_fields = {{
    {"name", field_kind::opt_string},
    {"git_repo_path", field_kind::opt_string},
    {"setup_script", field_kind::opt_string},
    {"dev_script", field_kind::opt_string},
    {"cleanup_script", field_kind::opt_string},
    {"copy_files", field_kind::opt_string},
}};
constexpr std::array<field_spec, 5> create_task_fields = {{
    {"project_id", field_kind::uuid},
    {"title", field_kind::string},
    {"description", field_kind::opt_string},
    {"parent_task_attempt", field_kind::opt_uuid},
    {"image_ids", field_kind::opt_uuid_list},
}};
constexpr std::array<field_spec, 5> update_task_fields = {{
    {"title", field_kind::opt_string},
    {"description", field_kind::opt_string},
    {"status", field_kind::opt_enum, task_statuses},
    {"parent_task_attempt", field_kind::opt_uuid},
    {"image_ids", field_kind::opt_uuid_list},
}};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The request as the router sees it.

struct vibe_simulator::parsed_request {
    http::verb method = http::verb::unknown;
    bool head = false;
    std::vector<std::string> segments;  // raw (still percent-encoded), leading '/' dropped
    std::string query;                  // raw query, without '?'
    std::string body;
    std::optional<std::string> content_type;
};

namespace {

enum class route_id {
    unmatched, health, projects, project, project_repositories, repos_init, tasks, create_and_start, task
};

struct route_match {
    route_id id = route_id::unmatched;
    std::string raw_param;  // the {id} / {task_id} segment, still percent-encoded
};

route_match match_route(const std::vector<std::string>& s) {
    if (s.size() < 2 || s[0] != "api") return {};
    if (s.size() == 2 && s[1] == "health") return {route_id::health, {}};
    if (s.size() == 2 && s[1] == "projects") return {route_id::projects, {}};
    if (s.size() == 2 && s[1] == "tasks") return {route_id::tasks, {}};
    if (s.size() == 3 && s[1] == "tasks" && s[2] == "create-and-start") return {route_id::create_and_start, {}};
    if (s.size() == 3 && !s[2].empty() && s[1] == "projects") return {route_id::project, s[2]};
    if (s.size() == 3 && !s[2].empty() && s[1] == "tasks") return {route_id::task, s[2]};
    if (s.size() == 3 && s[1] == "repos" && s[2] == "init") return {route_id::repos_init, {}};
    if (s.size() == 4 && !s[2].empty() && s[1] == "projects" && s[3] == "repositories") {
        return {route_id::project_repositories, s[2]};
    }
    return {};
}

// The routes a generation has: 0.0.71 lacks the repositories route; 0.1.15 (commit 139b18158d,
// crates/server/src/routes/mod.rs) keeps only /health of these, the rest falls to the web page.
route_match match_route(const std::vector<std::string>& s, vibe_generation generation) {
    route_match m = match_route(s);
    if (generation == vibe_generation::v0_1_15 && m.id != route_id::health) return {};
    const bool multi_repo_route = m.id == route_id::project_repositories || m.id == route_id::repos_init;
    if (generation == vibe_generation::v0_0_71 && multi_repo_route) return {};
    return m;
}

std::string_view allow_of(route_id id) {
    switch (id) {
    case route_id::health: return "GET,HEAD";
    case route_id::projects:
    case route_id::tasks: return "GET,HEAD,POST";
    case route_id::create_and_start:
    case route_id::repos_init: return "POST";
    case route_id::project_repositories: return "GET,HEAD,POST";
    case route_id::project:
    case route_id::task: return "GET,HEAD,PUT,DELETE";
    case route_id::unmatched: break;
    }
    return "GET,HEAD";
}

bool method_allowed(route_id id, http::verb m) {
    const bool get = m == http::verb::get || m == http::verb::head;
    switch (id) {
    case route_id::health: return get;
    case route_id::projects:
    case route_id::tasks: return get || m == http::verb::post;
    case route_id::create_and_start:
    case route_id::repos_init: return m == http::verb::post;
    case route_id::project_repositories: return get;  // POST (add a repository) is not simulated
    case route_id::project:
    case route_id::task: return get || m == http::verb::put || m == http::verb::delete_;
    case route_id::unmatched: return get;
    }
    return false;
}

std::string template_of(route_id id) {
    switch (id) {
    case route_id::health: return "/api/health";
    case route_id::projects: return "/api/projects";
    case route_id::project: return "/api/projects/{id}";
    case route_id::project_repositories: return "/api/projects/{id}/repositories";
    case route_id::repos_init: return "/api/repos/init";
    case route_id::tasks: return "/api/tasks";
    case route_id::create_and_start: return "/api/tasks/create-and-start";
    case route_id::task: return "/api/tasks/{id}";
    case route_id::unmatched: break;
    }
    return {};
}

// Splits an origin-form target into raw path segments and the raw query.
bool split_target(std::string_view target, std::vector<std::string>& segments, std::string& query) {
    for (std::string_view scheme : {"http://", "https://"}) {  // absolute-form: hyper routes on its path
        if (target.starts_with(scheme)) {
            const auto slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
        }
    }
    if (!target.starts_with('/')) return false;
    const auto mark = target.find('?');
    std::string_view path = target.substr(0, mark);
    if (mark != std::string_view::npos) query = std::string(target.substr(mark + 1));
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        segments.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return true;
}

// Json<T> extraction: the struct's fields, or the 415/413/400/422 axum answers.
std::variant<struct_values, response> json_body(const std::optional<std::string>& content_type, std::string_view body,
                                                std::string_view name, std::span<const field_spec> fields) {
    if (auto rejected = vibe_format::json_precheck(content_type, body)) return std::move(*rejected);
    auto parsed = serde::read_struct(body, name, fields);
    if (const auto* e = std::get_if<serde::error>(&parsed)) {
        return vibe_format::json_rejection(e->kind == serde::error_kind::syntax, e->text);
    }
    return std::get<struct_values>(std::move(parsed));
}

std::optional<std::string> opt_field(const field_value& v) {
    return v.present ? std::optional<std::string>(v.text) : std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// vibe_simulator

std::optional<vibe_generation> parse_vibe_generation(std::string_view name) {
    if (name == "0.0.71") return vibe_generation::v0_0_71;
    if (name == "multi-repo") return vibe_generation::multi_repo;
    if (name == "0.1.15") return vibe_generation::v0_1_15;
    return std::nullopt;
}

vibe_simulator::vibe_simulator(vibe_options options) : options_(std::move(options)), rng_(options_.id_seed) {
    if (!options_.clock) options_.clock = [] { return system_clock::now(); };
}

vibe_simulator::time_point vibe_simulator::now() const { return floor<milliseconds>(options_.clock()); }

std::string vibe_simulator::new_id() {
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < 16; i += 8) {
        const std::uint64_t r = rng_();
        for (std::size_t k = 0; k < 8; ++k) b[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(hex[b[i] >> 4]);
        out.push_back(hex[b[i] & 0x0F]);
    }
    return out;
}

vibe_simulator::project_record* vibe_simulator::find_project(std::string_view id) {
    auto canonical = parse_uuid(id);
    if (!canonical) return nullptr;
    auto it = projects_.find(*canonical);
    return it == projects_.end() ? nullptr : &it->second;
}

const vibe_simulator::project_record* vibe_simulator::find_project(std::string_view id) const {
    return const_cast<vibe_simulator*>(this)->find_project(id);
}

vibe_simulator::task_record* vibe_simulator::find_task(std::string_view id) {
    auto canonical = parse_uuid(id);
    if (!canonical) return nullptr;
    auto it = tasks_.find(*canonical);
    return it == tasks_.end() ? nullptr : &it->second;
}

const vibe_simulator::task_record* vibe_simulator::find_task(std::string_view id) const {
    return const_cast<vibe_simulator*>(this)->find_task(id);
}

bool vibe_simulator::path_taken(std::string_view path, std::string_view except_id) const {
    return std::any_of(projects_.begin(), projects_.end(), [&](const auto& entry) {
        return entry.first != except_id && entry.second.git_repo_path == path;
    });
}

std::vector<const vibe_simulator::task_record*> vibe_simulator::sorted_tasks(std::string_view project_id) const {
    if (tasks_index_stale_) {
        tasks_by_project_.clear();
        for (const auto& [id, t] : tasks_) tasks_by_project_[t.project_id].push_back(&t);
        tasks_index_stale_ = false;
    }
    std::vector<const task_record*> out;
    if (auto it = tasks_by_project_.find(project_id); it != tasks_by_project_.end()) out = it->second;
    std::sort(out.begin(), out.end(), [](const task_record* a, const task_record* b) {
        return a->created_at != b->created_at ? a->created_at > b->created_at : a->sequence > b->sequence;
    });
    return out;
}

bool vibe_simulator::take_write_lock() {
    if (locked_writes_ == 0) return false;
    --locked_writes_;
    return true;
}

void vibe_simulator::erase_project(const std::string& id) {
    projects_.erase(id);
    for (const auto& [task_id, t] : tasks_) {
        if (t.project_id == id) publish_deleted_task(t.sequence);
    }
    std::erase_if(tasks_, [&](const auto& entry) { return entry.second.project_id == id; });
    tasks_index_stale_ = true;
}

// --- routing

std::string vibe_simulator::route_of(const request& req) const {
    std::vector<std::string> segments;
    std::string query;
    if (!split_target(req.target(), segments, query)) return "unmatched";
    if (is_events_request(req)) return "GET /api/events";
    const route_match m = match_route(segments, options_.generation);
    if (m.id == route_id::unmatched || !method_allowed(m.id, req.method())) return "unmatched";
    return std::string(http::to_string(req.method())) + " " + template_of(m.id);
}

response vibe_simulator::handle(const request& req) {
    parsed_request p;
    p.method = req.method();
    p.head = p.method == http::verb::head;
    p.body = req.body();
    if (auto it = req.find(http::field::content_type); it != req.end()) p.content_type = std::string(it->value());
    response res;
    if (!split_target(req.target(), p.segments, p.query)) {
        res = p.head || p.method == http::verb::get ? spa_page() : method_not_allowed("GET,HEAD");
    } else {
        try {
            res = dispatch(p);
        } catch (const std::exception& ex) {  // not expected: every path answers as the server would
            res = failure(status::internal_server_error, std::string("simulator error: ") + ex.what());
        }
    }
    res.set(http::field::date, vibe_format::http_date(now()));
    if (p.head) {
        const std::size_t length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

response vibe_simulator::dispatch(const parsed_request& req) {
    const route_match m = match_route(req.segments, options_.generation);
    const http::verb verb = req.head ? http::verb::get : req.method;
    const bool allowed = method_allowed(m.id, req.method);
    switch (m.id) {
    case route_id::unmatched:
        if (allowed) return spa_page();
        return method_not_allowed(allow_of(m.id));
    case route_id::health:
        return allowed ? get_health() : method_not_allowed(allow_of(m.id));
    case route_id::projects:
        if (!allowed) return method_not_allowed(allow_of(m.id));
        if (verb == http::verb::get) return list_projects();
        return options_.generation == vibe_generation::multi_repo ? create_multi_repo_project(req) : create_project(req);
    case route_id::tasks:
        if (!allowed) return method_not_allowed(allow_of(m.id));
        return verb == http::verb::get ? list_tasks(req) : create_task(req);
    case route_id::create_and_start:
        return allowed ? create_task(req) : method_not_allowed(allow_of(m.id));
    case route_id::repos_init:
        return allowed ? init_repository(req) : method_not_allowed(allow_of(m.id));
    case route_id::project:
    case route_id::project_repositories:
    case route_id::task: break;
    }
    // /api/{projects,tasks}/{id}: the loader middleware (400 bad id, 404 unknown) runs before
    // method routing; a method the route lacks still gets its `allow` header on whatever comes back.
    const bool is_task = m.id == route_id::task;
    auto id = vibe_format::path_uuid(m.raw_param, is_task ? "task_id" : "id");
    response res;
    if (auto* bad = std::get_if<response>(&id)) {
        res = std::move(*bad);
    } else {
        const std::string& key = std::get<std::string>(id);
        const bool exists = is_task ? tasks_.contains(key) : projects_.contains(key);
        if (!exists) res = empty_response(status::not_found);
        else if (!allowed) res = empty_response(status::method_not_allowed);
        else if (m.id == route_id::project_repositories) res = list_repositories(key);
        else if (verb == http::verb::get) res = is_task ? get_task(key) : get_project(key);
        else if (verb == http::verb::put) res = is_task ? update_task(req, key) : update_project(req, key);
        else res = is_task ? delete_task_route(key) : delete_project(key);
    }
    if (!allowed) res.set(http::field::allow, allow_of(m.id));
    return res;
}

// --- handlers

response vibe_simulator::get_health() const { return envelope(status::ok, "OK"); }

// created_at DESC (vibe-kanban-api.md §2.2); ties, undefined there, come newest insert first.
response vibe_simulator::list_projects() const {
    std::vector<const project_record*> sorted;
    for (const auto& [id, p] : projects_) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](const project_record* a, const project_record* b) {
        return a->created_at != b->created_at ? a->created_at > b->created_at : a->sequence > b->sequence;
    });
    json::array data;
    for (const auto* p : sorted) data.push_back(project_view(*p));
    return envelope(status::ok, std::move(data));
}

// A refused path is a "soft" error: 200 with success:false, the duplicate check first (vibe-kanban-api.md §2.3).
response vibe_simulator::create_project(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "CreateProject", create_project_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    const std::string& path = v[1].text;
    if (path_taken(path)) return failure(status::ok, duplicate_path);
    if (v[2].flag && options_.check_filesystem) {
        if (auto problem = git_repository_problem(path)) return failure(status::ok, *problem);
    }
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    project_record p{new_id(), v[0].text, path, opt_field(v[3]), opt_field(v[4]), opt_field(v[5]), opt_field(v[6]),
                     now(), {}, next_sequence_++};
    p.updated_at = p.created_at;
    auto& stored = projects_[p.id] = std::move(p);
    return envelope(status::ok, project_view(stored));
}

// 22ff27d8fd: routes/projects.rs create_project and services/project.rs create_project: every
// repository path is validated (no use_existing_repo), duplicates within the payload are refused,
// and a path may belong to several projects (Repo::find_or_create).
response vibe_simulator::create_multi_repo_project(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "CreateProject", create_multi_repo_project_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    const json::value document = json::parse(req.body);  // valid: json_body read it
    const json::object& body = document.as_object();
    const json::array* repositories = body.contains("repositories") ? body.at("repositories").if_array() : nullptr;
    if (!repositories) {
        return vibe_format::json_rejection(false, "missing field `repositories`");
    }
    std::vector<std::string> paths;
    std::vector<std::string> names;
    for (const auto& item : *repositories) {
        const json::object* repo = item.if_object();
        const json::string* name = repo && repo->contains("display_name") ? repo->at("display_name").if_string() : nullptr;
        const json::string* path = repo && repo->contains("git_repo_path") ? repo->at("git_repo_path").if_string() : nullptr;
        if (!name || !path) return vibe_format::json_rejection(false, "repositories: invalid CreateProjectRepo");
        if (options_.check_filesystem) {
            if (auto problem = git_repository_problem(std::string(*path))) return failure(status::ok, *problem);
        }
        if (std::find(names.begin(), names.end(), *name) != names.end()) {
            return failure(status::ok, "Duplicate repository name provided");
        }
        if (std::find(paths.begin(), paths.end(), *path) != paths.end()) {
            return failure(status::ok, "Duplicate repository path provided");
        }
        names.emplace_back(*name);
        paths.emplace_back(*path);
    }
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    project_record p{new_id(), v[0].text, paths.empty() ? std::string{} : paths.front(), {}, {}, {}, {},
                     now(), {}, next_sequence_++};
    p.updated_at = p.created_at;
    auto& stored = projects_[p.id] = std::move(p);
    return envelope(status::ok, project_view(stored));
}

// 22ff27d8fd routes/repo.rs init_repo and services/repo.rs init_repo: a new git repository
// `parent_path/folder_name`; refusals are ApiError::BadRequest (400, the envelope with the message).
// With check_filesystem the directory and its `.git` are made on disk (the server runs git init).
response vibe_simulator::init_repository(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "InitRepoRequest", init_repo_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    const std::string& parent = v[0].text;
    const std::string& folder = v[1].text;
    if (folder.empty() || folder.find_first_of("/\\") != std::string::npos || folder == "." || folder == "..") {
        return failure(status::bad_request, "Invalid folder name: " + folder);
    }
    const std::filesystem::path repo = std::filesystem::path(parent) / folder;
    if (options_.check_filesystem) {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (!fs::exists(parent, ec)) return failure(status::bad_request, "Path does not exist: " + parent);
        if (!fs::is_directory(parent, ec)) return failure(status::bad_request, "Path is not a directory: " + parent);
        if (fs::exists(repo, ec)) return failure(status::bad_request, "Directory already exists: " + repo.string());
        fs::create_directories(repo / ".git", ec);
        if (ec) return failure(status::bad_request, "Git error: " + ec.message());
    }
    const json::object made{{"id", new_id()},
                            {"path", repo.string()},
                            {"name", folder},
                            {"display_name", folder},
                            {"created_at", vibe_format::format_timestamp(now())},
                            {"updated_at", vibe_format::format_timestamp(now())}};
    return envelope(status::ok, made);
}

// 22ff27d8fd routes/projects.rs get_project_repositories: [Repo {id, path, name, display_name,
// created_at, updated_at}], `name` being the path's last component (models/repo.rs find_or_create).
response vibe_simulator::list_repositories(const std::string& project_id) const {
    const project_record& p = projects_.at(project_id);
    json::array data;
    if (!p.git_repo_path.empty()) {
        const std::string name = std::filesystem::path(p.git_repo_path).filename().string();
        data.push_back(json::object{{"id", p.id},  // one repository per project: it borrows the project's id
                                    {"path", p.git_repo_path},
                                    {"name", name},
                                    {"display_name", p.name},
                                    {"created_at", vibe_format::format_timestamp(p.created_at)},
                                    {"updated_at", vibe_format::format_timestamp(p.updated_at)}});
    }
    return envelope(status::ok, std::move(data));
}

// 0.0.71 shape, or the multi-repo Project of 22ff27d8fd crates/db/src/models/project.rs
// {id, name, dev_script, remote_project_id, created_at, updated_at}: no path at all.
json::object vibe_simulator::project_view(const project_record& p) const {
    if (options_.generation != vibe_generation::multi_repo) return project_json(p);
    return json::object{{"id", p.id},
                        {"name", p.name},
                        {"dev_script", vibe_format::optional_string(p.dev_script)},
                        {"remote_project_id", nullptr},
                        {"created_at", vibe_format::format_timestamp(p.created_at)},
                        {"updated_at", vibe_format::format_timestamp(p.updated_at)}};
}

response vibe_simulator::get_project(const std::string& id) const {
    return envelope(status::ok, project_view(projects_.at(id)));
}

response vibe_simulator::update_project(const parsed_request& req, const std::string& id) {
    auto parsed = json_body(req.content_type, req.body, "UpdateProject", update_project_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    project_record& p = projects_.at(id);
    if (v[1].present && v[1].text != p.git_repo_path && path_taken(v[1].text, id)) {
        return failure(status::ok, duplicate_path);
    }
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    if (v[0].present) p.name = v[0].text;
    if (v[1].present) p.git_repo_path = v[1].text;
    p.setup_script = opt_field(v[2]);  // not partial: omitted or null clears them
    p.dev_script = opt_field(v[3]);
    p.cleanup_script = opt_field(v[4]);
    p.copy_files = opt_field(v[5]);
    return envelope(status::ok, project_view(p));
}

// 200 data:null, and the project's tasks go with it (vibe-kanban-api.md §2.2: the cascade).
response vibe_simulator::delete_project(const std::string& id) {
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    erase_project(id);
    return envelope(status::ok, nullptr);
}

// project_id required, no pagination, newest first; an unknown project is 200 [] (vibe-kanban-api.md §3.2).
response vibe_simulator::list_tasks(const parsed_request& req) const {
    auto project = vibe_format::query_project_id(req.query);
    if (auto* rejected = std::get_if<response>(&project)) return std::move(*rejected);
    json::array data;
    for (const auto* t : sorted_tasks(std::get<std::string>(project))) data.push_back(task_list_json(*t));
    return envelope(status::ok, std::move(data));
}

response vibe_simulator::create_task(const parsed_request& req) {
    auto parsed = json_body(req.content_type, req.body, "CreateTask", create_task_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    // One INSERT: an unknown project or parent attempt (the simulator has no attempts) fails its FK.
    if (!projects_.contains(v[0].text) || v[3].present) return failure(status::internal_server_error, fk_failed);
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    task_record t{new_id(), v[0].text, v[1].text, opt_field(v[2]), "todo", std::nullopt, now(), {}, next_sequence_++};
    t.updated_at = t.created_at;
    auto& stored = tasks_[t.id] = std::move(t);
    tasks_index_stale_ = true;
    publish_task(stored, "insert");
    // Images are attached after the insert: unknown ids fail, the task stays created.
    if (v[4].present && !v[4].list.empty()) return failure(status::internal_server_error, fk_failed);
    return envelope(status::ok, task_json(stored));
}

response vibe_simulator::get_task(const std::string& id) const {
    return envelope(status::ok, task_json(tasks_.at(id)));
}

response vibe_simulator::update_task(const parsed_request& req, const std::string& id) {
    auto parsed = json_body(req.content_type, req.body, "UpdateTask", update_task_fields);
    if (auto* rejected = std::get_if<response>(&parsed)) return std::move(*rejected);
    const auto& v = std::get<struct_values>(parsed);
    task_record& t = tasks_.at(id);
    if (v[3].present && v[3].text != t.parent_task_attempt) return failure(status::internal_server_error, fk_failed);
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    if (v[0].present) t.title = v[0].text;        // null or omitted keeps
    if (v[1].present) t.description = v[1].text;
    if (v[2].present) t.status = v[2].text;
    publish_task(t, "update");  // every PUT, a no-op {} included (vibe-kanban-api.md §4.1)
    // updated_at is not touched by the API. image_ids replace the set after the row update.
    if (v[4].present && !v[4].list.empty()) return failure(status::internal_server_error, fk_failed);
    return envelope(status::ok, task_json(t));
}

response vibe_simulator::delete_task_route(const std::string& id) {
    if (take_write_lock()) return failure(status::internal_server_error, database_locked);
    publish_deleted_task(tasks_.at(id).sequence);
    tasks_.erase(id);
    tasks_index_stale_ = true;
    return envelope(status::ok, nullptr);
}

// --- in-process (UI) operations

std::string vibe_simulator::add_project(std::string name, std::string git_repo_path) {
    if (path_taken(git_repo_path)) throw std::invalid_argument(std::string(duplicate_path));
    project_record p{new_id(), std::move(name), std::move(git_repo_path), {}, {}, {}, {}, now(), {}, next_sequence_++};
    p.updated_at = p.created_at;
    const std::string id = p.id;
    projects_[id] = std::move(p);
    return id;
}

std::string vibe_simulator::add_task(std::string_view project_id, std::string title,
                                     std::optional<std::string> description, std::string_view status) {
    const project_record* project = find_project(project_id);
    if (!project) throw std::invalid_argument("unknown project " + std::string(project_id));
    if (!is_status(status)) throw std::invalid_argument("unknown status " + std::string(status));
    task_record t{new_id(), project->id, std::move(title), std::move(description), std::string(status),
                  std::nullopt, now(), {}, next_sequence_++};
    t.updated_at = t.created_at;
    const std::string id = t.id;
    publish_task(tasks_[id] = std::move(t), "insert");
    tasks_index_stale_ = true;
    return id;
}

bool vibe_simulator::move_task(std::string_view task_id, std::string_view status) {
    return set_status(task_id, status, false);
}

bool vibe_simulator::agent_move_task(std::string_view task_id, std::string_view status) {
    return set_status(task_id, status, true);
}

bool vibe_simulator::set_status(std::string_view task_id, std::string_view status, bool by_agent) {
    if (!is_status(status)) throw std::invalid_argument("unknown status " + std::string(status));
    task_record* t = find_task(task_id);
    if (!t) return false;
    t->status = std::string(status);
    if (by_agent) t->updated_at = floor<seconds>(now());
    publish_task(*t, "update");
    return true;
}

bool vibe_simulator::edit_task(std::string_view task_id, std::optional<std::string> title,
                               std::optional<std::string> description) {
    task_record* t = find_task(task_id);
    if (!t) return false;
    if (title) t->title = std::move(*title);
    if (description) t->description = std::move(*description);
    publish_task(*t, "update");
    return true;
}

bool vibe_simulator::delete_task(std::string_view task_id) {
    task_record* t = find_task(task_id);
    if (!t) return false;
    publish_deleted_task(t->sequence);
    tasks_.erase(t->id);
    tasks_index_stale_ = true;
    return true;
}

std::optional<json::object> vibe_simulator::task(std::string_view id) const {
    const task_record* t = find_task(id);
    if (!t) return std::nullopt;
    return task_json(*t);
}

std::vector<json::object> vibe_simulator::tasks_of(std::string_view project_id) const {
    std::vector<json::object> out;
    const project_record* p = find_project(project_id);
    if (!p) return out;
    for (const auto* t : sorted_tasks(p->id)) out.push_back(task_list_json(*t));
    return out;
}

// --- seed / state

namespace {

const json::value* member(const json::object& o, std::string_view key) { return o.if_contains(key); }

[[noreturn]] void bad_seed(const std::string& why) { throw std::invalid_argument("vibe seed: " + why); }

std::string seed_string(const json::object& o, std::string_view key, std::string_view where) {
    const json::value* v = member(o, key);
    if (!v || !v->is_string()) bad_seed(std::string(where) + "." + std::string(key) + " must be a string");
    return std::string(v->as_string());
}

std::optional<std::string> seed_optional_string(const json::object& o, std::string_view key, std::string_view where) {
    const json::value* v = member(o, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) bad_seed(std::string(where) + "." + std::string(key) + " must be a string or null");
    return std::string(v->as_string());
}

std::optional<std::string> seed_id(const json::object& o, std::string_view where) {
    auto text = seed_optional_string(o, "id", where);
    if (!text) return std::nullopt;
    auto id = parse_uuid(*text);
    if (!id) bad_seed(std::string(where) + ".id is not a UUID: " + *text);
    return id;
}

std::optional<sys_time<milliseconds>> seed_time(const json::object& o, std::string_view key, std::string_view where) {
    auto text = seed_optional_string(o, key, where);
    if (!text) return std::nullopt;
    auto t = vibe_format::parse_timestamp(*text);
    if (!t) bad_seed(std::string(where) + "." + std::string(key) + " is not an RFC 3339 UTC timestamp: " + *text);
    return t;
}

const json::array& seed_array(const json::object& o, std::string_view key, std::string_view where) {
    static const json::array empty;
    const json::value* v = member(o, key);
    if (!v) return empty;
    if (!v->is_array()) bad_seed(std::string(where) + "." + std::string(key) + " must be an array");
    return v->as_array();
}

}  // namespace

vibe_simulator::project_record vibe_simulator::seed_project(const json::object& o, const std::string& where,
                                                            time_point stamp, std::uint64_t& sequence) {
    project_record p;
    p.id = seed_id(o, where).value_or("");
    if (p.id.empty()) p.id = new_id();
    p.name = seed_string(o, "name", where);
    p.git_repo_path = seed_string(o, "git_repo_path", where);
    p.setup_script = seed_optional_string(o, "setup_script", where);
    p.dev_script = seed_optional_string(o, "dev_script", where);
    p.cleanup_script = seed_optional_string(o, "cleanup_script", where);
    p.copy_files = seed_optional_string(o, "copy_files", where);
    p.created_at = seed_time(o, "created_at", where).value_or(stamp);
    p.updated_at = seed_time(o, "updated_at", where).value_or(p.created_at);
    p.sequence = sequence++;
    return p;
}

vibe_simulator::task_record vibe_simulator::seed_task(const json::object& o, const std::string& where,
                                                      const std::string& project_id, time_point stamp,
                                                      std::uint64_t& sequence) {
    task_record t;
    t.id = seed_id(o, where).value_or("");
    if (t.id.empty()) t.id = new_id();
    t.project_id = project_id;
    t.title = seed_string(o, "title", where);
    t.description = seed_optional_string(o, "description", where);
    t.status = seed_optional_string(o, "status", where).value_or("todo");
    if (!is_status(t.status)) bad_seed(where + ": unknown status " + t.status);
    if (auto parent = seed_optional_string(o, "parent_task_attempt", where)) {
        t.parent_task_attempt = parse_uuid(*parent);
        if (!t.parent_task_attempt) bad_seed(where + ".parent_task_attempt is not a UUID");
    }
    t.created_at = seed_time(o, "created_at", where).value_or(stamp);
    t.updated_at = seed_time(o, "updated_at", where).value_or(t.created_at);
    t.sequence = sequence++;
    return t;
}

void vibe_simulator::seed(const json::value& document) {
    if (!document.is_object()) bad_seed("the document must be an object");
    std::map<std::string, project_record> projects;
    std::map<std::string, task_record> tasks;
    std::uint64_t sequence = next_sequence_;
    const time_point stamp = now();
    std::size_t pi = 0;
    for (const auto& pv : seed_array(document.as_object(), "projects", "document")) {
        const std::string where = "projects[" + std::to_string(pi++) + "]";
        if (!pv.is_object()) bad_seed(where + " must be an object");
        project_record p = seed_project(pv.as_object(), where, stamp, sequence);
        if (projects.contains(p.id)) bad_seed(where + ": duplicate id " + p.id);
        for (const auto& [id, other] : projects) {
            if (other.git_repo_path == p.git_repo_path) bad_seed(where + ": duplicate git_repo_path");
        }
        std::size_t ti = 0;
        for (const auto& tv : seed_array(pv.as_object(), "tasks", where)) {
            const std::string twhere = where + ".tasks[" + std::to_string(ti++) + "]";
            if (!tv.is_object()) bad_seed(twhere + " must be an object");
            task_record t = seed_task(tv.as_object(), twhere, p.id, stamp, sequence);
            if (tasks.contains(t.id)) bad_seed(twhere + ": duplicate id " + t.id);
            tasks[t.id] = std::move(t);
        }
        projects[p.id] = std::move(p);
    }
    projects_ = std::move(projects);
    tasks_ = std::move(tasks);
    tasks_index_stale_ = true;
    next_sequence_ = sequence;
}

json::value vibe_simulator::state() const {
    std::vector<const project_record*> projects;
    for (const auto& [id, p] : projects_) projects.push_back(&p);
    std::sort(projects.begin(), projects.end(),
              [](const project_record* a, const project_record* b) { return a->sequence < b->sequence; });
    json::array out;
    for (const auto* p : projects) {
        json::object po = project_json(*p);
        auto tasks = sorted_tasks(p->id);
        std::sort(tasks.begin(), tasks.end(),
                  [](const task_record* a, const task_record* b) { return a->sequence < b->sequence; });
        json::array ta;
        for (const auto* t : tasks) {
            json::object to = task_json(*t);
            to.erase("project_id");
            ta.push_back(std::move(to));
        }
        po["tasks"] = std::move(ta);
        out.push_back(std::move(po));
    }
    return json::object{{"projects", std::move(out)}};
}

}  // namespace hvs::sim
