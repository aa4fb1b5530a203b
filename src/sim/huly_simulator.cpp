#include "hvs/sim/huly_simulator.hpp"

#include "hvs/sim/http_util.hpp"

#include "express_semantics.hpp"
#include "js_semantics.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace hvs::sim {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr std::array<std::string_view, 5> priority_names = {"NoPriority", "Urgent", "High", "Medium", "Low"};
// Names a JS object inherits from Object.prototype: `PRIORITY_MAP[value]` is defined for them.
constexpr std::array<std::string_view, 12> inherited_keys = {
    "constructor",      "__defineGetter__", "__defineSetter__", "hasOwnProperty",
    "__lookupGetter__", "__lookupSetter__", "isPrototypeOf",    "propertyIsEnumerable",
    "toString",         "valueOf",          "__proto__",        "toLocaleString"};

// ---------------------------------------------------------------------------------------------
// Route matching: the Huly routes, as Express's router matches a path against them.

enum class route_id { none, health, projects, project_issues, issue_get, issue_create, issue_update, issue_patch };

struct route_spec {
    http::verb verb;
    route_id id;
    std::string_view path;       // Express path, ":" marks the parameter segment
    std::string_view name;       // the route template route_of reports
    bool since_2026 = false;     // absent from the 2025 server.js
};

// In the order server.js registers them (app.patch('/api/issues/:identifier') since f1c66d6, 2026-01).
constexpr std::array<route_spec, 7> huly_routes = {{
    {http::verb::get, route_id::health, "/health", "/health"},
    {http::verb::get, route_id::projects, "/api/projects", "/api/projects"},
    {http::verb::get, route_id::project_issues, "/api/projects/:/issues", "/api/projects/{id}/issues"},
    {http::verb::get, route_id::issue_get, "/api/issues/:", "/api/issues/{id}"},
    {http::verb::post, route_id::issue_create, "/api/issues", "/api/issues"},
    {http::verb::put, route_id::issue_update, "/api/issues/:", "/api/issues/{id}"},
    {http::verb::patch, route_id::issue_patch, "/api/issues/:", "/api/issues/{id}", true},
}};

std::vector<std::string_view> segments_of(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);  // strict: false
    for (std::size_t start = 1; start <= path.size();) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](char x, char y) { return js::ascii_lower(x) == js::ascii_lower(y); });
}

// Whether the raw path fits the route's path (case-insensitive); the raw parameter, if any.
std::optional<std::string_view> path_match(const route_spec& spec, std::string_view path) {
    if (!path.starts_with('/')) return std::nullopt;
    const auto actual = segments_of(path);
    const auto pattern = segments_of(spec.path);
    if (actual.size() != pattern.size()) return std::nullopt;
    std::string_view param;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (pattern[i] == ":") {
            if (actual[i].empty()) return std::nullopt;
            param = actual[i];
        } else if (!equals_ignore_case(pattern[i], actual[i])) {
            return std::nullopt;
        }
    }
    return param;
}

struct route_match {
    const route_spec* spec = nullptr;
    bool undecodable = false;  // a matching path whose parameter decodeURIComponent rejects: 400
    std::string param;
};

// Express's router: HEAD runs GET routes; a parameter that fails to decode on any route whose path
// matches ends routing with 400, whatever the method.
route_match match_route(http::verb verb, std::string_view path, huly_generation generation) {
    for (const auto& spec : huly_routes) {
        if (spec.since_2026 && generation == huly_generation::v2025) continue;
        auto raw = path_match(spec, path);
        if (!raw) continue;
        auto decoded = js::decode_uri_component(*raw);
        if (!decoded) return {nullptr, true, {}};
        if (spec.verb == verb || (verb == http::verb::head && spec.verb == http::verb::get)) {
            return {&spec, false, std::move(*decoded)};
        }
    }
    return {};
}

const json::value* member(const json::value& body, std::string_view key) {
    return body.is_object() ? body.get_object().if_contains(key) : nullptr;
}

std::optional<int> priority_of(std::string_view name) {
    for (std::size_t i = 0; i < priority_names.size(); ++i) {
        if (priority_names[i] == name) return static_cast<int>(i);
    }
    return std::nullopt;
}

bool is_inherited_key(std::string_view key) {
    return std::find(inherited_keys.begin(), inherited_keys.end(), key) != inherited_keys.end();
}

json::array string_array(const std::vector<std::string>& names) {
    json::array out;
    for (const auto& n : names) out.emplace_back(n);
    return out;
}

json::array priority_array() {
    json::array out;
    for (auto p : priority_names) out.emplace_back(p);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Seed parsing helpers.

[[noreturn]] void seed_error(const std::string& what) { throw std::invalid_argument("huly seed: " + what); }

std::string seed_string(const json::object& o, std::string_view key, const std::string& where, std::string fallback,
                        bool required = false) {
    const auto* v = o.if_contains(key);
    if (!v) {
        if (required) seed_error(where + "." + std::string(key) + " is required");
        return fallback;
    }
    if (!v->is_string()) seed_error(where + "." + std::string(key) + " must be a string");
    return std::string(v->get_string());
}

std::optional<std::int64_t> seed_int(const json::object& o, std::string_view key, const std::string& where) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(js::max_js_time)) {
        return static_cast<std::int64_t>(v->get_uint64());
    }
    seed_error(where + "." + std::string(key) + " must be an integer");
}

bool seed_bool(const json::object& o, std::string_view key, const std::string& where) {
    const auto* v = o.if_contains(key);
    if (!v) return false;
    if (!v->is_bool()) seed_error(where + "." + std::string(key) + " must be a boolean");
    return v->get_bool();
}

std::optional<std::string> seed_label(const json::object& o, std::string_view key, const std::string& where) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) seed_error(where + "." + std::string(key) + " must be a string or null");
    return std::string(v->get_string());
}

const json::array& seed_array(const json::object& o, std::string_view key, const std::string& where) {
    static const json::array empty;
    const auto* v = o.if_contains(key);
    if (!v) return empty;
    if (!v->is_array()) seed_error(where + "." + std::string(key) + " must be an array");
    return v->get_array();
}

json::value optional_label(const std::optional<std::string>& label) {
    return label ? json::value(*label) : json::value(nullptr);
}

// `value.length > 100`: the length in UTF-16 code units, as JavaScript counts it.
std::size_t utf16_length(std::string_view text) {
    std::size_t units = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

// `text.substring(0, n)` for n code units (never splitting a UTF-8 sequence).
std::string utf16_prefix(std::string_view text, std::size_t n) {
    std::size_t units = 0, end = 0;
    while (end < text.size()) {
        const auto c = static_cast<unsigned char>(text[end]);
        const std::size_t width = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        const std::size_t cost = c >= 0xF0 ? 2 : 1;
        if (units + cost > n) break;
        units += cost;
        end += width;
    }
    return std::string(text.substr(0, end));
}

// `value === null || value === ''`: the PATCH fields that clear a reference.
bool clears(const json::value& value) {
    return value.is_null() || (value.is_string() && value.get_string().empty());
}

}  // namespace

std::optional<huly_generation> huly_generation_named(std::string_view name) {
    if (name == "current") return huly_generation::current;
    if (name == "2025") return huly_generation::v2025;
    return std::nullopt;
}

std::string_view to_string(huly_generation generation) {
    return generation == huly_generation::v2025 ? "2025" : "current";
}

// ---------------------------------------------------------------------------------------------
// The simulator.

huly_simulator::huly_simulator(huly_options options) : options_(std::move(options)) {}

std::int64_t huly_simulator::now_ms() const {
    const auto now = (options_.clock ? options_.clock() : std::chrono::system_clock::now()) + options_.clock_offset;
    return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
}

huly_simulator::project_record* huly_simulator::find_project(std::string_view identifier) {
    for (auto& p : projects_) {
        if (p.identifier == identifier) return &p;
    }
    return nullptr;
}

const huly_simulator::project_record* huly_simulator::find_project(std::string_view identifier) const {
    return const_cast<huly_simulator*>(this)->find_project(identifier);
}

// An identifier is "<project>-<number>": look in that project only (the first of duplicates wins).
std::pair<huly_simulator::project_record*, huly_simulator::issue_record*> huly_simulator::find_issue(
    std::string_view identifier) {
    const auto dash = identifier.rfind('-');
    if (dash == std::string_view::npos) return {nullptr, nullptr};
    auto* project = find_project(identifier.substr(0, dash));
    if (!project) return {nullptr, nullptr};
    for (auto& issue : project->issues) {
        if (issue.identifier == identifier) return {project, &issue};
    }
    return {nullptr, nullptr};
}

std::pair<const huly_simulator::project_record*, const huly_simulator::issue_record*> huly_simulator::find_issue(
    std::string_view identifier) const {
    return const_cast<huly_simulator*>(this)->find_issue(identifier);
}

// The catalogue name matching `name` case-insensitively (the first of duplicates).
std::optional<std::string> huly_simulator::canonical_status(std::string_view name) const {
    const std::string wanted = js::js_lower(name);
    for (const auto& s : options_.statuses) {
        if (js::js_lower(s) == wanted) return s;
    }
    return std::nullopt;
}

json::object huly_simulator::format_issue(const issue_record& issue, const project_record& project,
                                          bool reads_fail) const {
    const bool known_status = std::find(options_.statuses.begin(), options_.statuses.end(), issue.status) !=
                              options_.statuses.end();
    const bool blank = reads_fail && issue.description_is_markup;
    return json::object{
        {"identifier", issue.identifier},
        {"title", issue.title},
        {"description", blank ? std::string() : issue.description},
        {"status", known_status ? issue.status : std::string("Unknown")},
        {"priority", priority_names[static_cast<std::size_t>(issue.priority)]},
        {"component", optional_label(issue.component)},
        {"milestone", optional_label(issue.milestone)},
        {"assignee", nullptr},
        {"createdOn", issue.created_on},
        {"modifiedOn", issue.modified_on},
        {"number", issue.number},
        {"project", project.identifier},
    };
}

std::string huly_simulator::route_of(const request& req) const {
    const auto verb = req.method();
    if (verb == http::verb::options) return "OPTIONS *";
    auto matched = match_route(verb, express::split(req.target()).path, options_.generation);
    if (!matched.spec) return "unmatched";
    return std::string(http::to_string(verb)) + " " + std::string(matched.spec->name);
}

response huly_simulator::handle(const request& req) {
    try {
        return dispatch(req);
    } catch (const std::exception& ex) {
        return express::json_error(req, status::internal_server_error, ex.what(), now_ms());
    } catch (...) {
        return empty_response(status::internal_server_error);
    }
}

response huly_simulator::dispatch(const request& req) {
    const auto verb = req.method();
    const auto raw_target = req.target();
    const bool odd_byte = std::any_of(raw_target.begin(), raw_target.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b < 0x21 || b >= 0x7F;
    });
    if (verb == http::verb::unknown || verb == http::verb::connect || odd_byte) {
        // Node's HTTP parser refuses the request line (unknown method, raw non-ASCII in the target).
        auto res = empty_response(status::bad_request);
        res.keep_alive(false);
        return res;
    }
    const std::int64_t now = now_ms();
    if (verb == http::verb::options) return express::cors_preflight(req, now);

    auto body = express::read_json_body(req);
    if (body.error) return express::express_error_page(req, *body.error, express::status_text(*body.error), now);

    const auto target = express::split(req.target());
    auto matched = match_route(verb, target.path, options_.generation);
    if (matched.undecodable) return express::express_error_page(req, status::bad_request, "Bad Request", now);
    if (!matched.spec) {
        const std::string message = "Cannot " + std::string(req.method_string()) + " " + js::encode_url(target.path);
        return express::express_error_page(req, status::not_found, message, now);
    }
    switch (matched.spec->id) {
    case route_id::health: return get_health(req);
    case route_id::projects: return list_projects(req);
    case route_id::project_issues: return list_issues(req, matched.param, target.query);
    case route_id::issue_get: return get_issue(req, matched.param);
    case route_id::issue_create: return create_issue(req, body.value);
    case route_id::issue_update: return update_issue(req, matched.param, body.value);
    case route_id::issue_patch: return patch_issue(req, matched.param, body.value);
    case route_id::none: break;
    }
    return express::express_error_page(req, status::not_found, "Cannot " + std::string(req.method_string()), now);
}

// GET /health
response huly_simulator::get_health(const request& req) const {
    const std::int64_t now = now_ms();
    return express::express_json(
        req, status::ok, json::object{{"status", "ok"}, {"connected", true}, {"timestamp", js::iso_string(now)}}, now);
}

// GET /api/projects: every project, archived included, most recently modified first.
response huly_simulator::list_projects(const request& req) const {
    std::vector<const project_record*> order;
    for (const auto& p : projects_) order.push_back(&p);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto* a, const auto* b) { return a->modified_on > b->modified_on; });
    json::array list;
    for (const auto* p : order) {
        list.push_back(json::object{
            {"identifier", p->identifier},
            {"name", p->name},
            {"description", p->description},
            {"issueCount", p->issues.size()},
            {"private", p->is_private},
            {"archived", p->archived},
        });
    }
    const auto count = list.size();
    return express::express_json(req, status::ok, json::object{{"projects", std::move(list)}, {"count", count}},
                                 now_ms());
}

// GET /api/projects/{id}/issues?modifiedAfter=&limit=: modifiedOn >= modifiedAfter, newest first,
// silently cut to `limit` (parseInt; default 1000; a NaN or non-positive limit cuts nothing).
// current: `modifiedSince || modifiedAfter` filters, and the answer carries
// syncMeta {modifiedSince, createdSince, latestModified, serverTime} instead of `filtered`
// (server.js app.get('/api/projects/:identifier/issues'); createdSince is not modelled).
response huly_simulator::list_issues(const request& req, const std::string& identifier, std::string_view query) const {
    const std::int64_t now = now_ms();
    const auto* project = find_project(identifier);
    if (!project) return express::json_error(req, status::not_found, "Project " + identifier + " not found", now);

    const bool current = options_.generation == huly_generation::current;
    auto modified_after = express::query_param(query, "modifiedAfter");
    if (current) {
        if (auto modified_since = express::query_param(query, "modifiedSince"); modified_since.truthy) {
            modified_after = modified_since;
        }
    }
    std::optional<std::int64_t> since;
    if (modified_after.truthy) {
        since = js::parse_js_date(modified_after.text);
        if (!since) {
            const char* message = current ? "Invalid modifiedSince timestamp" : "Invalid modifiedAfter timestamp";
            return express::json_error(req, status::bad_request, message, now);
        }
    }
    const auto limit_param = express::query_param(query, "limit");
    const double limit = limit_param.present ? js::js_parse_int(limit_param.text) : 1000;

    std::vector<const issue_record*> selected;
    for (const auto& issue : project->issues) {
        if (!since || issue.modified_on >= *since) selected.push_back(&issue);
    }
    std::stable_sort(selected.begin(), selected.end(),
                     [](const auto* a, const auto* b) { return a->modified_on > b->modified_on; });
    if (limit >= 1 && limit < static_cast<double>(selected.size())) selected.resize(static_cast<std::size_t>(limit));

    json::array issues;
    std::optional<std::int64_t> latest;
    for (const auto* issue : selected) {
        issues.push_back(format_issue(*issue, *project, options_.fail_description_reads));
        latest = std::max(latest.value_or(issue->modified_on), issue->modified_on);
    }
    const auto count = issues.size();
    json::object answer{{"project", identifier}, {"issues", std::move(issues)}, {"count", count}};
    if (current) {
        answer["syncMeta"] = json::object{
            {"modifiedSince", modified_after.truthy ? json::value(modified_after.text) : json::value(nullptr)},
            {"createdSince", nullptr},
            {"latestModified", latest ? json::value(js::iso_string(*latest)) : json::value(nullptr)},
            {"serverTime", js::iso_string(now)},
        };
    } else {
        answer["filtered"] = modified_after.truthy;
    }
    return express::express_json(req, status::ok, answer, now);
}

// GET /api/issues/{id}: the bare issue object.
response huly_simulator::get_issue(const request& req, const std::string& identifier) const {
    const std::int64_t now = now_ms();
    const auto [project, issue] = find_issue(identifier);
    if (!issue) return express::json_error(req, status::not_found, "Issue " + identifier + " not found", now);
    return express::express_json(req, status::ok, format_issue(*issue, *project, options_.fail_description_reads), now);
}

// POST /api/issues {project_identifier, title, description?, priority?, component?, milestone?}.
// The number is max(number)+1 in the project; the UI's sequence is not advanced.
response huly_simulator::create_issue(const request& req, const json::value& body) {
    const std::int64_t now = now_ms();
    const auto* project_id = member(body, "project_identifier");
    const auto* title = member(body, "title");
    if (!project_id || !js::js_truthy(*project_id) || !title || !js::js_truthy(*title)) {
        return express::json_error(req, status::bad_request, "project_identifier and title are required", now);
    }
    auto* project = project_id->is_string() ? find_project(project_id->get_string()) : nullptr;
    if (!project) {
        return express::json_error(req, status::not_found, "Project " + js::js_string(*project_id) + " not found", now);
    }

    int priority = 0;
    if (const auto* p = member(body, "priority")) priority = priority_of(js::js_string(*p)).value_or(0);
    const auto& statuses = options_.statuses;
    if (statuses.empty()) {
        return express::json_error(req, status::internal_server_error, "No statuses found in project", now);
    }
    const bool has_backlog = std::find(statuses.begin(), statuses.end(), "Backlog") != statuses.end();
    const std::string status_name = has_backlog ? std::string("Backlog") : statuses.front();

    std::int64_t number = 0;
    for (const auto& i : project->issues) number = std::max(number, i.number);
    ++number;
    issue_record issue;
    issue.identifier = project->identifier + "-" + std::to_string(number);
    issue.number = number;
    issue.title = *title;
    issue.status = status_name;
    issue.priority = priority;
    issue.created_on = issue.modified_on = now;
    const auto* description = member(body, "description");
    const bool has_description = description && js::js_truthy(*description);
    if (has_description && description->is_string()) issue.description = std::string(description->get_string());
    project->issues.push_back(std::move(issue));
    auto& created = project->issues.back();

    if (has_description) {
        // `description.trim()` runs after the issue exists: a non-string fails with it created.
        if (!description->is_string()) {
            return express::json_error(req, status::internal_server_error, "description.trim is not a function", now);
        }
        if (std::string text = js::js_trim(description->get_string()); !text.empty()) {
            created.description = std::move(text);
            created.description_is_markup = true;
        }
    }
    return express::express_json(req, status::created,
                                 json::object{{"identifier", created.identifier},
                                              {"title", *title},
                                              {"project", project->identifier},
                                              {"status", status_name},
                                              {"priority", priority_names[static_cast<std::size_t>(priority)]}},
                                 now);
}

// PUT /api/issues/{id} {field, value}: checks in server.js order, then modifiedOn = now.
response huly_simulator::update_issue(const request& req, const std::string& identifier, const json::value& body) {
    const std::int64_t now = now_ms();
    const auto* field = member(body, "field");
    const auto* value = member(body, "value");
    if (!field || !js::js_truthy(*field) || !value) {
        return express::json_error(req, status::bad_request, "field and value are required", now);
    }
    auto [project, issue] = find_issue(identifier);
    if (!issue) return express::json_error(req, status::not_found, "Issue " + identifier + " not found", now);

    const std::string_view name = field->is_string() ? std::string_view(field->get_string()) : std::string_view();
    json::value shown = *value;
    if (name == "title") {
        issue->title = *value;
    } else if (name == "description") {
        std::string text;
        if (js::js_truthy(*value)) {
            if (!value->is_string()) {
                return express::json_error(req, status::internal_server_error, "value.trim is not a function", now);
            }
            text = js::js_trim(value->get_string());
        }
        if (!text.empty() && options_.generation == huly_generation::current) {
            // current server.js still calls uploadMarkup (the collaborator's createContent), which
            // rejects a document that exists: HULLY-259, fixed in 24712bb for PATCH only. The
            // collaborator's own wording is not in the repository; this text stands for it.
            return express::json_error(req, status::internal_server_error,
                                       "Failed to update description: content already exists", now);
        }
        issue->description_is_markup = !text.empty();
        issue->description = std::move(text);
    } else if (name == "status") {
        if (!options_.statuses.empty() && !value->is_string()) {
            return express::json_error(req, status::internal_server_error,
                                       value->is_null() ? "Cannot read properties of null (reading 'toLowerCase')"
                                                        : "value.toLowerCase is not a function",
                                       now);
        }
        auto canonical = value->is_string() ? canonical_status(value->get_string()) : std::nullopt;
        if (!canonical) {
            return express::express_json(req, status::bad_request,
                                         json::object{{"error", "Status '" + js::js_string(*value) + "' not found"},
                                                      {"availableStatuses", string_array(options_.statuses)}},
                                         now);
        }
        issue->status = *canonical;
        shown = json::value(*canonical);
    } else if (name == "priority") {
        const std::string key = js::js_string(*value);
        if (auto priority = priority_of(key)) {
            issue->priority = *priority;
        } else if (!is_inherited_key(key)) {  // inherited keys pass the check; Huly drops the value
            return express::express_json(req, status::bad_request,
                                         json::object{{"error", "Priority '" + key + "' not valid"},
                                                      {"validPriorities", priority_array()}},
                                         now);
        }
    } else {
        return express::express_json(
            req, status::bad_request,
            json::object{{"error", "Field '" + js::js_string(*field) + "' not supported"},
                         {"supportedFields", json::array{"title", "description", "status", "priority"}}},
            now);
    }
    issue->modified_on = now;
    return express::express_json(
        req, status::ok,
        json::object{{"identifier", identifier}, {"field", *field}, {"value", std::move(shown)}, {"updated", true}}, now);
}

// PATCH /api/issues/{id} {title?, description?, status?, priority?, component?, milestone?,
// assignee?, dueDate?} (server.js app.patch('/api/issues/:identifier'), current generation):
// 400 for no field, 404 JSON for an unknown issue, else 200 {identifier, updated, appliedUpdates,
// errors?}; a field it cannot apply goes to `errors` and the others are still applied.
response huly_simulator::patch_issue(const request& req, const std::string& identifier, const json::value& body) {
    const std::int64_t now = now_ms();
    // Object.entries(req.body): an array's entries are its indices.
    std::vector<std::pair<std::string, json::value>> updates;
    if (body.is_object()) {
        for (const auto& entry : body.get_object()) updates.emplace_back(std::string(entry.key()), entry.value());
    } else if (body.is_array()) {
        for (std::size_t i = 0; i < body.get_array().size(); ++i) updates.emplace_back(std::to_string(i), body.get_array()[i]);
    }
    if (updates.empty()) return express::json_error(req, status::bad_request, "No fields to update provided", now);
    auto [project, issue] = find_issue(identifier);
    if (!issue) return express::json_error(req, status::not_found, "Issue " + identifier + " not found", now);

    json::object applied;
    json::array errors;
    bool touched = false;  // updateData is not empty: updateDoc runs, modifiedOn moves
    for (const auto& [field, value] : updates) {
        const auto before = applied.size();
        if (auto refusal = patch_field(*issue, *project, field, value, applied)) {
            errors.push_back(std::move(*refusal));
        }
        touched = touched || applied.size() > before;
    }
    if (touched) issue->modified_on = now;
    json::object answer{{"identifier", identifier}, {"updated", !applied.empty()}, {"appliedUpdates", std::move(applied)}};
    if (!errors.empty()) answer["errors"] = std::move(errors);  // `errors.length > 0 ? errors : undefined`
    return express::express_json(req, status::ok, answer, now);
}

std::optional<json::object> huly_simulator::patch_field(issue_record& issue, const project_record& project,
                                                        const std::string& field, const json::value& value,
                                                        json::object& applied) {
    auto refused = [&](std::string message) { return json::object{{"field", field}, {"error", std::move(message)}}; };
    if (field == "title") {
        issue.title = value;
        applied["title"] = value;
    } else if (field == "description") {
        const bool has_text = js::js_truthy(value);
        if (has_text && !value.is_string()) return refused("value.trim is not a function");  // caught per field
        std::string text = has_text ? js::js_trim(value.get_string()) : std::string();
        if (!text.empty()) {
            const bool long_text = utf16_length(value.get_string()) > 100;
            applied["description"] = utf16_prefix(text, 100) + (long_text ? "..." : "");
        } else {
            applied["description"] = "";
        }
        issue.description_is_markup = !text.empty();
        issue.description = std::move(text);
    } else if (field == "status") {
        if (!options_.statuses.empty() && !value.is_string()) {
            return refused(value.is_null() ? "Cannot read properties of null (reading 'toLowerCase')"
                                           : "value.toLowerCase is not a function");
        }
        auto canonical = value.is_string() ? canonical_status(value.get_string()) : std::nullopt;
        if (!canonical) {
            auto refusal = refused("Status '" + js::js_string(value) + "' not found");
            refusal["available"] = string_array(options_.statuses);
            return refusal;
        }
        issue.status = *canonical;
        applied["status"] = *canonical;
    } else if (field == "priority") {
        const std::string key = js::js_string(value);
        if (auto priority = priority_of(key)) {
            issue.priority = *priority;
        } else if (!is_inherited_key(key)) {  // inherited keys pass the check; Huly drops the value
            auto refusal = refused("Priority '" + key + "' not valid");
            refusal["valid"] = priority_array();
            return refusal;
        }
        applied["priority"] = value;
    } else if (field == "component" || field == "milestone") {
        // findOne(Component|Milestone, {space, label}): a label some issue of the project carries.
        const bool is_component = field == "component";
        std::optional<std::string> label;
        if (!clears(value)) {
            const std::string wanted = js::js_string(value);
            for (const auto& other : project.issues) {
                const auto& known = is_component ? other.component : other.milestone;
                if (known && *known == wanted) label = wanted;
            }
            if (!label) return refused((is_component ? "Component '" : "Milestone '") + wanted + "' not found");
        }
        (is_component ? issue.component : issue.milestone) = label;
        applied[field] = label ? json::value(*label) : json::value(nullptr);
    } else if (field == "assignee") {
        // findOne(core.class.Account, {email}): the simulator knows no accounts.
        if (!clears(value)) return refused("Assignee '" + js::js_string(value) + "' not found");
        applied["assignee"] = nullptr;
    } else if (field == "dueDate") {
        // Not stored: the issue shape this simulator reads back has no dueDate.
        if (clears(value)) {
            applied["dueDate"] = nullptr;
        } else {
            auto when = js::parse_js_date(js::js_string(value));
            if (!when) return refused("Invalid date format: '" + js::js_string(value) + "'");
            applied["dueDate"] = js::iso_string(*when);
        }
    } else {
        return refused("Field '" + field + "' not supported");
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// In-process methods.

void huly_simulator::add_project(std::string identifier, std::string name, std::string description, bool archived) {
    if (identifier.empty()) throw std::invalid_argument("huly: empty project identifier");
    if (find_project(identifier)) throw std::invalid_argument("huly: project " + identifier + " already exists");
    project_record p;
    p.identifier = std::move(identifier);
    p.name = std::move(name);
    p.description = std::move(description);
    p.archived = archived;
    p.modified_on = now_ms();
    projects_.push_back(std::move(p));
}

std::string huly_simulator::add_issue(std::string_view project, std::string title, std::string description,
                                      std::string_view status, std::string_view priority) {
    auto* p = find_project(project);
    if (!p) throw std::invalid_argument("huly: no project " + std::string(project));
    auto canonical = canonical_status(status);
    if (!canonical) throw std::invalid_argument("huly: status '" + std::string(status) + "' is not in the catalogue");
    auto level = priority_of(priority);
    if (!level) throw std::invalid_argument("huly: priority '" + std::string(priority) + "' is not valid");
    issue_record issue;
    issue.number = ++p->sequence;
    issue.identifier = p->identifier + "-" + std::to_string(issue.number);
    issue.title = json::value(title);
    issue.description = js::js_trim(description);
    issue.description_is_markup = !issue.description.empty();
    issue.status = *canonical;
    issue.priority = *level;
    issue.created_on = issue.modified_on = now_ms();
    p->issues.push_back(std::move(issue));
    return p->issues.back().identifier;
}

bool huly_simulator::edit_issue(std::string_view identifier, std::string_view field, const json::value& value) {
    auto [project, issue] = find_issue(identifier);
    if (!issue) return false;
    if (field == "title") {
        issue->title = value;
    } else if (field == "description") {
        if (!value.is_string() && js::js_truthy(value)) return false;
        issue->description = value.is_string() ? js::js_trim(value.get_string()) : std::string();
        issue->description_is_markup = !issue->description.empty();
    } else if (field == "status") {
        auto canonical = value.is_string() ? canonical_status(value.get_string()) : std::nullopt;
        if (!canonical) return false;
        issue->status = *canonical;
    } else if (field == "priority") {
        auto level = value.is_string() ? priority_of(value.get_string()) : std::nullopt;
        if (!level) return false;
        issue->priority = *level;
    } else {
        return false;
    }
    issue->modified_on = now_ms();
    return true;
}

bool huly_simulator::delete_issue(std::string_view identifier) {
    auto [project, issue] = find_issue(identifier);
    if (!issue) return false;
    project->issues.erase(project->issues.begin() + (issue - project->issues.data()));
    return true;
}

void huly_simulator::set_statuses(std::vector<std::string> statuses) { options_.statuses = std::move(statuses); }

std::optional<json::object> huly_simulator::issue(std::string_view identifier) const {
    const auto [project, issue] = find_issue(identifier);
    if (!issue) return std::nullopt;
    return format_issue(*issue, *project, false);
}

// ---------------------------------------------------------------------------------------------
// Seed and state.

void huly_simulator::seed(const json::value& document) {
    if (!document.is_object()) seed_error("the document must be a JSON object");
    const auto& doc = document.get_object();
    const std::int64_t now = now_ms();

    std::vector<std::string> statuses = options_.statuses;
    if (const auto* list = doc.if_contains("statuses")) {
        if (!list->is_array()) seed_error("statuses must be an array of strings");
        statuses.clear();
        for (const auto& s : list->get_array()) {
            if (!s.is_string()) seed_error("statuses must be an array of strings");
            statuses.emplace_back(s.get_string());
        }
    }
    auto default_status = [&] {
        const bool has_backlog = std::find(statuses.begin(), statuses.end(), "Backlog") != statuses.end();
        return has_backlog || statuses.empty() ? std::string("Backlog") : statuses.front();
    };

    std::vector<project_record> projects;
    const auto& project_list = seed_array(doc, "projects", "document");
    for (std::size_t pi = 0; pi < project_list.size(); ++pi) {
        const std::string where = "projects[" + std::to_string(pi) + "]";
        if (!project_list[pi].is_object()) seed_error(where + " must be an object");
        const auto& po = project_list[pi].get_object();
        project_record p;
        p.identifier = seed_string(po, "identifier", where, "", true);
        if (p.identifier.empty()) seed_error(where + ".identifier must not be empty");
        for (const auto& other : projects) {
            if (other.identifier == p.identifier) seed_error(where + ": duplicate identifier " + p.identifier);
        }
        p.name = seed_string(po, "name", where, p.identifier);
        p.description = seed_string(po, "description", where, "");
        p.archived = seed_bool(po, "archived", where);
        p.is_private = seed_bool(po, "private", where);
        p.modified_on = seed_int(po, "modifiedOn", where).value_or(now);
        const auto explicit_sequence = seed_int(po, "sequence", where);

        const auto& issue_list = seed_array(po, "issues", where);
        std::int64_t sequence = 0;
        for (std::size_t ii = 0; ii < issue_list.size(); ++ii) {
            const std::string at = where + ".issues[" + std::to_string(ii) + "]";
            if (!issue_list[ii].is_object()) seed_error(at + " must be an object");
            const auto& io = issue_list[ii].get_object();
            issue_record issue;
            const auto* title = io.if_contains("title");
            issue.title = title ? *title : json::value("");
            issue.description = seed_string(io, "description", at, "");
            issue.description_is_markup = !issue.description.empty();
            issue.status = seed_string(io, "status", at, default_status());
            const auto priority = seed_string(io, "priority", at, "NoPriority");
            auto level = priority_of(priority);
            if (!level) seed_error(at + ".priority '" + priority + "' is not one of NoPriority|Urgent|High|Medium|Low");
            issue.priority = *level;
            issue.number = seed_int(io, "number", at).value_or(sequence + 1);
            if (issue.number < 1) seed_error(at + ".number must be positive");
            sequence = std::max(sequence, issue.number);
            issue.identifier = p.identifier + "-" + std::to_string(issue.number);
            issue.modified_on = seed_int(io, "modifiedOn", at).value_or(now);
            issue.created_on = seed_int(io, "createdOn", at).value_or(std::min(issue.modified_on, now));
            issue.component = seed_label(io, "component", at);
            issue.milestone = seed_label(io, "milestone", at);
            p.issues.push_back(std::move(issue));
        }
        p.sequence = std::max(sequence, explicit_sequence.value_or(0));
        projects.push_back(std::move(p));
    }
    options_.statuses = std::move(statuses);
    projects_ = std::move(projects);
}

json::value huly_simulator::state() const {
    json::array projects;
    for (const auto& p : projects_) {
        json::array issues;
        for (const auto& i : p.issues) {
            issues.push_back(json::object{
                {"identifier", i.identifier},
                {"number", i.number},
                {"title", i.title},
                {"description", i.description},
                {"status", i.status},
                {"priority", priority_names[static_cast<std::size_t>(i.priority)]},
                {"component", optional_label(i.component)},
                {"milestone", optional_label(i.milestone)},
                {"createdOn", i.created_on},
                {"modifiedOn", i.modified_on},
            });
        }
        projects.push_back(json::object{
            {"identifier", p.identifier},
            {"name", p.name},
            {"description", p.description},
            {"archived", p.archived},
            {"private", p.is_private},
            {"modifiedOn", p.modified_on},
            {"sequence", p.sequence},
            {"issues", std::move(issues)},
        });
    }
    return json::object{{"statuses", string_array(options_.statuses)}, {"projects", std::move(projects)}};
}

}  // namespace hvs::sim
