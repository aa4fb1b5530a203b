#include "hvs/huly/client.hpp"

#include "hvs/core/json.hpp"

#include <boost/json/serialize.hpp>

namespace hvs::huly {
namespace {

using core::int_field;
using core::string_field;

result<issue> decode_issue(const boost::json::value& v) {
    constexpr std::string_view what = "huly issue";
    auto obj = core::object_of(v, what);
    if (!obj) return obj.error();
    const auto& o = **obj;
    issue decoded;
    auto id = string_field(o, "identifier", what);
    if (!id) return id.error();
    decoded.id = *id;
    auto title = string_field(o, "title", what);
    if (!title) return title.error();
    decoded.title = *title;
    auto description = core::optional_string_field(o, "description", what);
    if (!description) return description.error();
    decoded.description = description->value_or("");
    auto status = string_field(o, "status", what);
    if (!status) return status.error();
    decoded.status = *status;
    auto priority = core::optional_string_field(o, "priority", what);
    if (!priority) return priority.error();
    decoded.priority = priority->value_or("NoPriority");
    auto modified = int_field(o, "modifiedOn", what);
    if (!modified) return modified.error();
    decoded.modified_ms = *modified;
    return decoded;
}

net::http_request json_request(net::http::verb verb, std::string target, std::string body = {}) {
    net::http_request req{verb, std::move(target), 11};
    req.set(net::http::field::accept, "application/json");
    if (!body.empty()) {
        req.set(net::http::field::content_type, "application/json");
        req.body() = std::move(body);
    }
    return req;
}

// Targets are built outside the coroutines: GCC 12 cannot keep an initializer_list's array in a
// coroutine frame ("array used as initializer").
std::string projects_target(const std::string& base) { return net::build_target(base, {"projects"}); }

std::string issues_target(const std::string& base, const std::string& project, const net::query_params& query) {
    return net::build_target(base, {"projects", project, "issues"}, query);
}

std::string issue_target(const std::string& base, const std::string& issue_id) {
    return net::build_target(base, {"issues", issue_id});
}

boost::json::object field_update(const std::string& field, const std::string& value) {
    return boost::json::object{{"field", field}, {"value", value}};
}

boost::json::object fields_object(const field_values& fields) {
    boost::json::object out;
    for (const auto& [field, value] : fields) out[field] = value;
    return out;
}

std::set<std::string> string_set(const boost::json::array& list) {
    std::set<std::string> names;
    for (const auto& name : list) {
        if (name.is_string()) names.emplace(name.as_string());
    }
    return names;
}

// syncMeta {modifiedSince, latestModified, serverTime} (server.js, GET /api/projects/:identifier/issues).
result<void> decode_sync_meta(const boost::json::object& meta, issue_page& page) {
    constexpr std::string_view what = "huly syncMeta";
    auto since = core::optional_string_field(meta, "modifiedSince", what);
    if (!since) return since.error();
    page.filtered = since->has_value();
    auto server_time = core::optional_string_field(meta, "serverTime", what);
    if (!server_time) return server_time.error();
    if (*server_time) {
        page.server_time_ms = core::parse_iso8601_ms(**server_time);
        if (!page.server_time_ms) {
            return make_error(error_kind::parse, std::string(what) + ": serverTime '" + **server_time +
                                                     "' is not an ISO-8601 UTC time");
        }
    }
    return {};
}

}  // namespace

result<std::vector<project>> decode_projects(std::string_view body) {
    constexpr std::string_view what = "huly GET /api/projects";
    auto doc = core::parse_json(body, what);
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, what);
    if (!obj) return obj.error();
    auto* list = (*obj)->if_contains("projects");
    if (!list) return make_error(error_kind::parse, std::string(what) + ": field 'projects' is missing");
    auto items = core::array_of(*list, what);
    if (!items) return items.error();
    std::vector<project> out;
    for (const auto& item : **items) {
        auto p = core::object_of(item, "huly project");
        if (!p) return p.error();
        project proj;
        auto identifier = string_field(**p, "identifier", "huly project");
        if (!identifier) return identifier.error();
        proj.identifier = *identifier;
        auto name = string_field(**p, "name", "huly project");
        if (!name) return name.error();
        proj.name = *name;
        auto description = core::optional_string_field(**p, "description", "huly project");
        if (!description) return description.error();
        proj.description = description->value_or("");
        auto count = int_field(**p, "issueCount", "huly project");
        if (!count) return count.error();
        proj.issue_count = *count;
        if (auto* archived = (*p)->if_contains("archived"); archived && archived->is_bool()) {
            proj.archived = archived->as_bool();
        }
        out.push_back(std::move(proj));
    }
    return out;
}

result<issue_page> decode_issues(std::string_view body, std::size_t limit) {
    constexpr std::string_view what = "huly GET /api/projects/{id}/issues";
    auto doc = core::parse_json(body, what);
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, what);
    if (!obj) return obj.error();
    auto* list = (*obj)->if_contains("issues");
    if (!list) return make_error(error_kind::parse, std::string(what) + ": field 'issues' is missing");
    auto items = core::array_of(*list, what);
    if (!items) return items.error();
    issue_page page;
    for (const auto& item : **items) {
        auto issue = decode_issue(item);
        if (!issue) return issue.error();
        page.issues.push_back(std::move(*issue));
    }
    if (auto* filtered = (*obj)->if_contains("filtered"); filtered && filtered->is_bool()) {
        page.filtered = filtered->as_bool();
    }
    if (auto* meta = (*obj)->if_contains("syncMeta"); meta && !meta->is_null()) {
        auto meta_obj = core::object_of(*meta, "huly syncMeta");
        if (!meta_obj) return meta_obj.error();
        if (auto decoded = decode_sync_meta(**meta_obj, page); !decoded) return decoded.error();
    }
    page.possibly_truncated = limit > 0 && page.issues.size() >= limit;
    return page;
}

std::optional<std::set<std::string>> refused_status_catalogue(const error& e) {
    if (e.kind != error_kind::http_4xx || e.http_status != 400) return std::nullopt;
    auto doc = core::parse_json(e.body, "huly status refusal");
    if (!doc || !doc->is_object()) return std::nullopt;
    auto* list = doc->as_object().if_contains("availableStatuses");
    if (!list || !list->is_array()) return std::nullopt;
    return string_set(list->as_array());
}

result<patch_answer> decode_patch_answer(std::string_view body) {
    constexpr std::string_view what = "huly PATCH /api/issues/{id}";
    auto doc = core::parse_json(body, what);
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, what);
    if (!obj) return obj.error();
    patch_answer answer;
    auto* applied = (*obj)->if_contains("appliedUpdates");
    if (!applied) return make_error(error_kind::parse, std::string(what) + ": field 'appliedUpdates' is missing");
    auto applied_obj = core::object_of(*applied, what);
    if (!applied_obj) return applied_obj.error();
    for (const auto& entry : **applied_obj) answer.applied.emplace(entry.key());
    // `errors: errors.length > 0 ? errors : undefined`: absent when every field was applied.
    auto* errors = (*obj)->if_contains("errors");
    if (!errors || errors->is_null()) return answer;
    auto items = core::array_of(*errors, what);
    if (!items) return items.error();
    for (const auto& item : **items) {
        auto e = core::object_of(item, "huly PATCH error");
        if (!e) return e.error();
        field_refusal refusal;
        auto field = string_field(**e, "field", "huly PATCH error");
        if (!field) return field.error();
        refusal.field = *field;
        auto message = core::optional_string_field(**e, "error", "huly PATCH error");
        if (!message) return message.error();
        refusal.message = message->value_or("refused");
        for (const char* key : {"available", "valid"}) {
            if (auto* list = (*e)->if_contains(key); list && list->is_array()) refusal.allowed = string_set(list->as_array());
        }
        answer.refused.push_back(std::move(refusal));
    }
    return answer;
}

std::string_view describe(wrapper_generation generation) {
    return generation == wrapper_generation::current ? "current (since 2026-01: PATCH, one request per issue)"
                                                     : "2025 (no PATCH: per-field PUT)";
}

result<wrapper_generation> generation_from_empty_patch(const error& refusal) {
    if (is_missing_route(refusal, "PATCH")) return wrapper_generation::v2025;
    if (refusal.kind == error_kind::http_4xx && refusal.http_status == 400) {
        auto doc = core::parse_json(refusal.body, "huly PATCH refusal");
        if (doc && doc->is_object() && doc->as_object().contains("error")) return wrapper_generation::current;
    }
    return refusal;
}

bool is_missing_route(const error& e, std::string_view method) {
    if (e.kind != error_kind::http_4xx || e.http_status != 404) return false;
    const std::string page_text = "Cannot " + std::string(method) + " ";
    return e.body.find("<pre>" + page_text) != std::string::npos;
}

net::task<result<std::vector<project>>> client::list_projects() {
    auto res = co_await http_.send(json_request(net::http::verb::get, projects_target(http_.where().path)));
    if (!res) co_return res.error();
    co_return decode_projects(res->body());
}

net::task<result<issue_page>> client::list_issues(std::string project, std::optional<std::int64_t> modified_after_ms,
                                                  std::size_t limit) {
    net::query_params query;
    if (modified_after_ms) query.emplace_back("modifiedAfter", core::iso8601_ms(*modified_after_ms));
    query.emplace_back("limit", std::to_string(limit));
    auto target = issues_target(http_.where().path, project, query);
    auto res = co_await http_.send(json_request(net::http::verb::get, std::move(target)));
    if (!res) co_return res.error();
    co_return decode_issues(res->body(), limit);
}

net::task<result<bool>> client::issue_exists(std::string issue_id) {
    auto res = co_await http_.send(json_request(net::http::verb::get, issue_target(http_.where().path, issue_id)));
    if (res) co_return true;
    if (res.error().http_status == 404) co_return false;
    co_return res.error();
}

net::task<result<void>> client::update_issue(std::string issue_id, std::string field, std::string value) {
    auto body = field_update(field, value);
    auto target = issue_target(http_.where().path, issue_id);
    // Setting a field to a value is idempotent: safe to repeat after a transient failure.
    auto res = co_await http_.send(json_request(net::http::verb::put, std::move(target), boost::json::serialize(body)));
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<wrapper_generation>> client::probe_generation() {
    auto target = issue_target(http_.where().path, "HVS-0");
    auto res = co_await http_.send(json_request(net::http::verb::patch, std::move(target), "{}"));
    if (res) co_return make_error(error_kind::protocol, "huly accepted a PATCH without fields: not a known wrapper");
    co_return generation_from_empty_patch(res.error());
}

net::task<result<patch_answer>> client::patch_issue(std::string issue_id, field_values fields) {
    if (patch_route_missing_) {
        patch_answer missing;
        missing.route_missing = true;
        co_return missing;
    }
    auto body = boost::json::serialize(fields_object(fields));
    auto target = issue_target(http_.where().path, issue_id);
    // Like PUT, setting fields to values is idempotent: safe to repeat after a transient failure.
    auto res = co_await http_.send(json_request(net::http::verb::patch, std::move(target), std::move(body)));
    if (!res) {
        if (!is_missing_route(res.error(), "PATCH")) co_return res.error();
        patch_answer missing;
        missing.route_missing = true;
        missing.route_missing_found_now = !patch_route_missing_;  // not when a concurrent PATCH found it first
        patch_route_missing_ = true;
        co_return missing;
    }
    co_return decode_patch_answer(res->body());
}

}  // namespace hvs::huly
