// Letta simulator: the route table, what Starlette/FastAPI do around a route (password middleware,
// trailing-slash redirects, 404/405, path-id validation, SDK sniffing), seeding, the state dump and
// the in-process methods.

#include "hvs/sim/letta_simulator.hpp"

#include "letta_state.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <stdexcept>

namespace hvs::sim {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace letta;

struct route {
    http::verb verb;
    std::string_view path;  // template, spelled with /v1
    route_fn fn;
};

constexpr auto get = http::verb::get;
constexpr auto post = http::verb::post;
constexpr auto put = http::verb::put;
constexpr auto patch = http::verb::patch;
constexpr auto del = http::verb::delete_;

// Declaration order matters where templates overlap (count/name before {id}), as in FastAPI.
constexpr route letta_routes[] = {
    {get, "/v1/health/", get_health},
    {get, "/v1/agents/", list_agents},
    {post, "/v1/agents/", create_agent},
    {get, "/v1/agents/count", count_agents},
    {get, "/v1/agents/{agent_id}", retrieve_agent},
    {patch, "/v1/agents/{agent_id}", modify_agent},
    {del, "/v1/agents/{agent_id}", remove_agent},
    {get, "/v1/agents/{agent_id}/tools", list_agent_tools},
    {patch, "/v1/agents/{agent_id}/tools/attach/{tool_id}", attach_tool},
    {patch, "/v1/agents/{agent_id}/tools/detach/{tool_id}", detach_tool},
    {get, "/v1/agents/{agent_id}/core-memory", agent_core_memory},
    {get, "/v1/agents/{agent_id}/core-memory/blocks", list_agent_blocks},
    {get, "/v1/agents/{agent_id}/core-memory/blocks/{block_label}", retrieve_agent_block},
    {patch, "/v1/agents/{agent_id}/core-memory/blocks/{block_label}", modify_agent_block},
    {patch, "/v1/agents/{agent_id}/core-memory/blocks/attach/{block_id}", attach_block},
    {patch, "/v1/agents/{agent_id}/core-memory/blocks/detach/{block_id}", detach_block},
    {get, "/v1/agents/{agent_id}/folders", list_agent_folders},
    {patch, "/v1/agents/{agent_id}/folders/attach/{folder_id}", attach_folder},
    {patch, "/v1/agents/{agent_id}/folders/detach/{folder_id}", detach_folder},
    {get, "/v1/agents/{agent_id}/sources", list_agent_folders},
    {patch, "/v1/agents/{agent_id}/sources/attach/{source_id}", attach_folder},
    {patch, "/v1/agents/{agent_id}/sources/detach/{source_id}", detach_folder},
    {get, "/v1/blocks/", list_blocks},
    {post, "/v1/blocks/", create_block},
    {get, "/v1/blocks/{block_id}", retrieve_block},
    {patch, "/v1/blocks/{block_id}", modify_block},
    {del, "/v1/blocks/{block_id}", remove_block},
    {get, "/v1/tools/", list_tools},
    {post, "/v1/tools/", upsert_tool},
    {put, "/v1/tools/", upsert_tool},
    {get, "/v1/tools/count", count_tools},
    {get, "/v1/tools/{tool_id}", retrieve_tool},
    {del, "/v1/tools/{tool_id}", remove_tool},
    {get, "/v1/folders/", list_folders},
    {post, "/v1/folders/", create_folder},
    {get, "/v1/folders/count", count_folders},
    {get, "/v1/folders/name/{folder_name}", folder_id_by_name},
    {get, "/v1/folders/{folder_id}", retrieve_folder},
    {patch, "/v1/folders/{folder_id}", modify_folder},
    {del, "/v1/folders/{folder_id}", remove_folder},
    {get, "/v1/folders/{folder_id}/files", list_folder_files},
    {get, "/v1/folders/{folder_id}/agents", list_folder_agents},
    {post, "/v1/folders/{folder_id}/upload", upload_file},
    {del, "/v1/folders/{folder_id}/{file_id}", remove_file},
    {get, "/v1/sources/", list_sources},
    {post, "/v1/sources/", create_folder},
    {get, "/v1/sources/count", count_folders},
    {get, "/v1/sources/name/{source_name}", folder_id_by_name},
    {get, "/v1/sources/{source_id}", retrieve_folder},
    {patch, "/v1/sources/{source_id}", modify_folder},
    {del, "/v1/sources/{source_id}", remove_folder},
    {get, "/v1/sources/{source_id}/files", list_source_files},
    {get, "/v1/sources/{source_id}/agents", list_folder_agents},
    {post, "/v1/sources/{source_id}/upload", upload_file},
    {del, "/v1/sources/{source_id}/{file_id}", remove_file},
};

// "/a/b/" → {"a", "b", ""}: empty segments are kept so "//" and the trailing slash count.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

struct match_result {
    const route* full = nullptr;     // path and method match
    const route* partial = nullptr;  // first route whose path matches with another method
    std::vector<std::string> args;
};

// Matches a decoded path ("/v1/…" or "/latest/…") against one template; fills `args`.
bool path_matches(std::string_view tmpl, const std::vector<std::string_view>& segs, std::vector<std::string>& args) {
    const auto parts = split_path(tmpl);
    if (segs.empty() || parts.size() != segs.size() || (segs[0] != "v1" && segs[0] != "latest")) return false;
    std::vector<std::string> found;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (parts[i].size() > 2 && parts[i].front() == '{') {
            if (segs[i].empty()) return false;
            found.emplace_back(segs[i]);
        } else if (parts[i] != segs[i]) {
            return false;
        }
    }
    args = std::move(found);
    return true;
}

match_result match(http::verb verb, std::string_view path) {
    match_result out;
    const auto segs = split_path(path);
    for (const auto& r : letta_routes) {
        std::vector<std::string> args;
        if (!path_matches(r.path, segs, args)) continue;
        if (r.verb == verb) {
            out.full = &r;
            out.args = std::move(args);
            return out;
        }
        if (!out.partial) out.partial = &r;
    }
    return out;
}

// Starlette serves HEAD wherever it serves GET.
http::verb routed_verb(const request& req) { return req.method() == http::verb::head ? get : req.method(); }

// The prefix a path-id parameter must carry, or empty for parameters that are not ids.
std::string_view id_prefix(std::string_view param) {
    if (param == "agent_id") return "agent";
    if (param == "tool_id") return "tool";
    if (param == "block_id") return "block";
    if (param == "folder_id" || param == "source_id") return "source";
    if (param == "file_id") return "file";
    return {};
}

std::vector<std::string_view> param_names(std::string_view tmpl) {
    std::vector<std::string_view> out;
    for (auto part : split_path(tmpl)) {
        if (part.size() > 2 && part.front() == '{') out.push_back(part.substr(1, part.size() - 2));
    }
    return out;
}

// pydantic's checks for an id Path(): min_length, max_length, then the pattern.
std::optional<field_error> check_id(std::string_view param, std::string_view prefix, const std::string& value) {
    const std::size_t want = prefix.size() + 37;
    const std::size_t len = code_points(value);
    const json::array at = loc({"path", json::string(param)});
    const std::string pattern =
        "^" + std::string(prefix) + "-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";
    if (len < want) {
        return field_error{"string_too_short", at, "String should have at least " + std::to_string(want) + " characters",
                           py_repr(value), "{'min_length': " + std::to_string(want) + "}"};
    }
    if (len > want) {
        return field_error{"string_too_long", at, "String should have at most " + std::to_string(want) + " characters",
                           py_repr(value), "{'max_length': " + std::to_string(want) + "}"};
    }
    if (!is_valid_id(value, prefix)) {
        return field_error{"string_pattern_mismatch", at, "String should match pattern '" + pattern + "'",
                           py_repr(value), "{'pattern': " + py_repr(pattern) + "}"};
    }
    return std::nullopt;
}

std::optional<response> validate_ids(const route& r, const std::vector<std::string>& args) {
    std::vector<field_error> errors;
    std::string example;
    const auto names = param_names(r.path);
    for (std::size_t i = 0; i < names.size() && i < args.size(); ++i) {
        const auto prefix = id_prefix(names[i]);
        if (prefix.empty()) continue;
        if (auto e = check_id(names[i], prefix, args[i])) {
            if (example.empty()) example = std::string(prefix) + "-123e4567-e89b-42d3-8456-426614174000";
            errors.push_back(std::move(*e));
        }
    }
    if (errors.empty()) return std::nullopt;
    return validation_error(errors, example);
}

// The decoded target with every path segment and query value made valid UTF-8 (uvicorn and
// Starlette decode with errors="replace").
std::optional<target> clean_target(std::string_view raw) {
    auto t = parse_target(raw);
    if (!t) return std::nullopt;
    t->path = sanitize_utf8(t->path);
    for (auto& s : t->segments) s = sanitize_utf8(s);
    for (auto& [k, v] : t->query) k = sanitize_utf8(k), v = sanitize_utf8(v);
    return t;
}

bool authorised(const letta_options& options, const request& req, std::string_view path) {
    if (options.password.empty()) return true;
    if (path == "/v1/health" || path == "/v1/health/" || path == "/latest/health/") return true;
    if (req[http::field::authorization] == "Bearer " + options.password) return true;
    return req["X-BARE-PASSWORD"] == "password " + options.password;
}

client_kind sniff_client(const request& req) {
    if (req.find("X-Stainless-Package-Version") != req.end()) return client_kind::sdk_v1;
    const auto ua_it = req.find(http::field::user_agent);
    if (ua_it == req.end()) return client_kind::no_user_agent;
    const std::string_view ua = ua_it->value();
    const auto slash = ua.rfind('/');
    if (slash == std::string_view::npos) return client_kind::legacy;
    const auto package = ua.substr(0, slash), version_part = ua.substr(slash + 1);
    if ((package == "letta-client" || package == "@letta-ai/letta-client") && version_part.rfind("1.", 0) == 0) {
        return client_kind::sdk_v1;
    }
    return client_kind::legacy;
}

// Starlette's redirect_slashes: the same URL with the trailing slash toggled, if that matches.
std::optional<response> slash_redirect(const request& req, const target& t) {
    if (t.path == "/" || t.path.empty()) return std::nullopt;
    const std::string other = t.path.back() == '/' ? t.path.substr(0, t.path.size() - 1) : t.path + "/";
    const auto m = match(routed_verb(req), other);
    if (!m.full && !m.partial) return std::nullopt;
    const std::string_view raw = req.target();
    const auto q = raw.find('?');
    std::string raw_path(raw.substr(0, q));
    if (!raw_path.empty() && raw_path.back() == '/') raw_path.pop_back();
    else raw_path += '/';
    const std::string_view host = req[http::field::host];
    std::string location = "http://" + (host.empty() ? std::string("localhost:8283") : std::string(host)) + raw_path;
    if (q != std::string_view::npos) location += raw.substr(q);
    auto res = empty_response(status::temporary_redirect);
    res.set(http::field::location, location);
    return res;
}

response method_not_allowed(const route& r) {
    auto res = detail(status::method_not_allowed, "Method Not Allowed");
    res.set(http::field::allow, r.verb == get ? std::string("GET, HEAD") : std::string(http::to_string(r.verb)));
    return res;
}

response dispatch(letta_state& st, const request& req) {
    const auto t = clean_target(req.target());
    if (!t) return text_response(status::bad_request, "Invalid HTTP request received.");
    if (!authorised(st.options, req, t->path)) return detail(status::unauthorized, "Unauthorized");
    auto m = match(routed_verb(req), t->path);
    if (!m.full) {
        if (m.partial) return method_not_allowed(*m.partial);
        if (auto redirect = slash_redirect(req, *t)) return std::move(*redirect);
        return detail(status::not_found, "Not Found");
    }
    if (auto invalid = validate_ids(*m.full, m.args)) return std::move(*invalid);
    const call c{req, *t, std::move(m.args), sniff_client(req)};
    if (auto answer = profile_answer(st, m.full->path, c)) return std::move(*answer);
    return m.full->fn(st, c);
}

// ---------------------------------------------------------------------------------------------
// Seeding

[[noreturn]] void bad_seed(const std::string& what) { throw std::invalid_argument("letta seed: " + what); }

const json::array& seed_array(const json::object& doc, std::string_view key) {
    static const json::array empty;
    const auto* v = doc.if_contains(key);
    if (!v || v->is_null()) return empty;
    if (!v->is_array()) bad_seed(std::string(key) + " must be an array");
    return v->get_array();
}

std::string seed_string(const json::object& o, std::string_view key, bool required, std::string fallback = {}) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) {
        if (required) bad_seed("missing string \"" + std::string(key) + "\"");
        return fallback;
    }
    if (!v->is_string()) bad_seed("\"" + std::string(key) + "\" must be a string");
    return std::string(v->get_string());
}

std::vector<std::string> seed_strings(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    for (const auto& v : seed_array(o, key)) {
        if (!v.is_string()) bad_seed("\"" + std::string(key) + "\" must hold strings");
        out.emplace_back(v.get_string());
    }
    return out;
}

const json::object& seed_object(const json::value& v, std::string_view what) {
    if (!v.is_object()) bad_seed(std::string(what) + " entries must be objects");
    return v.get_object();
}

void seed_folder(letta_state& st, const json::object& o) {
    auto name = seed_string(o, "name", true);
    if (st.find_folder_by_name(name)) bad_seed("duplicate folder name " + name);
    auto& folder = add_folder(st, name, embedding_config_for(st.options.default_embedding.empty()
                                                                  ? "letta/letta-free"
                                                                  : st.options.default_embedding));
    if (o.contains("description")) folder.description = seed_string(o, "description", false);
    for (const auto& fv : seed_array(o, "files")) {
        const auto& f = seed_object(fv, "files");
        auto file_name = seed_string(f, "name", true);
        auto type = supported_media_type("", file_name);
        auto& file = add_file(st, folder, folder.name + "/" + file_name, file_name, type.empty() ? "text/plain" : type,
                              seed_string(f, "content", false));
        file.processed = true;
    }
}

void seed_agent(letta_state& st, const json::object& o) {
    agent_record a;
    a.id = st.new_id("agent");
    a.name = seed_string(o, "name", true);
    a.agent_type = seed_string(o, "agent_type", false, "letta_v1_agent");
    a.system = "You are a helpful self-improving agent with advanced memory and file system capabilities.";
    a.llm_config = llm_config_for(seed_string(o, "model", false, "letta/letta-free"));
    a.embedding_config = embedding_config_for(seed_string(o, "embedding", false, "letta/letta-free"));
    for (auto& tag : seed_strings(o, "tags")) {
        if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(std::move(tag));
    }
    for (const auto& name : seed_strings(o, "tools")) {
        const auto* t = st.find_tool_by_name(name);
        if (!t) bad_seed("agent " + a.name + " names unknown tool " + name);
        if (std::find(a.tool_ids.begin(), a.tool_ids.end(), t->id) == a.tool_ids.end()) a.tool_ids.push_back(t->id);
    }
    for (const auto& bv : seed_array(o, "blocks")) {
        const auto& bo = seed_object(bv, "blocks");
        block_record b;
        b.id = st.new_id("block");
        b.label = seed_string(bo, "label", true);
        b.value = seed_string(bo, "value", false);
        if (const auto* limit = bo.if_contains("limit"); limit && limit->is_int64()) b.limit = limit->get_int64();
        b.created = st.stamp();
        a.block_ids.push_back(b.id);
        st.blocks.push_back(std::move(b));
    }
    for (const auto& name : seed_strings(o, "folders")) {
        const auto* f = st.find_folder_by_name(name);
        if (!f || f->phantom) bad_seed("agent " + a.name + " names unknown folder " + name);
        a.source_ids.push_back(f->id);
    }
    if (!a.source_ids.empty()) st.add_file_tools(a);
    const auto* sleeptime = o.if_contains("enable_sleeptime");
    if (sleeptime && !sleeptime->is_null() && !sleeptime->is_bool()) bad_seed("enable_sleeptime must be a boolean");
    a.created = a.updated = st.stamp();
    const std::string id = a.id;
    st.agents.push_back(std::move(a));
    if (sleeptime && sleeptime->is_bool() && sleeptime->get_bool()) add_sleeptime_twin(st, id);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// letta_simulator

letta_simulator::letta_simulator(letta_options options)
    : state_(std::make_unique<letta_state>(std::move(options))) {}

letta_simulator::~letta_simulator() = default;

std::string letta_simulator::route_of(const request& req) const {
    const auto t = clean_target(req.target());
    if (!t) return "unmatched";
    const auto m = match(routed_verb(req), t->path);
    if (!m.full) return "unmatched";
    return std::string(http::to_string(m.full->verb)) + " " + std::string(m.full->path);
}

response letta_simulator::handle(const request& req) {
    try {
        auto res = dispatch(*state_, req);
        if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays the GET's
        return res;
    } catch (...) {
        return internal_error();
    }
}

void letta_simulator::seed(const json::value& document) {
    if (!document.is_object()) bad_seed("the document must be an object");
    const auto& doc = document.get_object();
    auto fresh = std::make_unique<letta_state>(state_->options);
    for (const auto& tv : seed_array(doc, "tools")) {
        const auto& t = seed_object(tv, "tools");
        auto& tool = fresh->ensure_tool(seed_string(t, "name", true), "custom", "");
        if (t.contains("description")) tool.description = seed_string(t, "description", false);
    }
    for (const auto& fv : seed_array(doc, "folders")) seed_folder(*fresh, seed_object(fv, "folders"));
    for (const auto& av : seed_array(doc, "agents")) seed_agent(*fresh, seed_object(av, "agents"));
    state_ = std::move(fresh);
}

json::value letta_simulator::state() const {
    const auto& st = *state_;
    json::array agents, tools, blocks, folders;
    for (const auto& a : st.agents) {
        json::array tool_names, agent_blocks, folder_ids, tags;
        for (const auto& id : a.tool_ids) {
            if (const auto* t = st.find_tool(id)) tool_names.emplace_back(t->name);
        }
        for (const auto& id : a.block_ids) {
            if (const auto* b = st.find_block(id)) {
                agent_blocks.push_back({{"id", b->id}, {"label", b->label}, {"value", b->value}, {"limit", b->limit}});
            }
        }
        for (const auto& id : a.source_ids) folder_ids.emplace_back(id);
        for (const auto& tag : a.tags) tags.emplace_back(tag);
        json::value twin = nullptr;
        if (a.group && !a.group->agent_ids.empty()) twin = json::string(a.group->agent_ids.front());
        agents.push_back({{"id", a.id},
                          {"name", a.name},
                          {"agent_type", a.agent_type},
                          {"tags", std::move(tags)},
                          {"tools", std::move(tool_names)},
                          {"blocks", std::move(agent_blocks)},
                          {"folders", std::move(folder_ids)},
                          {"sleeptime_agent_id", twin}});
    }
    for (const auto& t : st.tools) {
        tools.push_back({{"id", t.id}, {"name", t.name}, {"description", t.description}, {"tool_type", t.tool_type}});
    }
    for (const auto& b : st.blocks) {
        blocks.push_back({{"id", b.id}, {"label", b.label}, {"value", b.value}, {"limit", b.limit}});
    }
    for (const auto& f : st.folders) {
        json::array files;
        for (const auto& file : st.files) {
            if (file.source_id != f.id) continue;
            files.push_back({{"id", file.id},
                             {"file_name", file.file_name},
                             {"original_file_name", file.original_file_name},
                             {"file_type", file.file_type},
                             {"file_size", file.content.size()}});
        }
        folders.push_back({{"id", f.id}, {"name", f.name}, {"phantom", f.phantom}, {"files", std::move(files)}});
    }
    return {{"agents", std::move(agents)},
            {"tools", std::move(tools)},
            {"blocks", std::move(blocks)},
            {"folders", std::move(folders)}};
}

void letta_simulator::set_profile(letta_profile profile) { state_->options.profile = profile; }

void letta_simulator::set_agent_quota(std::optional<std::size_t> quota) { state_->options.agent_quota = quota; }

void letta_simulator::inject_block_attach_locks(unsigned count) {
    state_->options.block_attach_locks = count;
    state_->block_attach_locks_answered = 0;
}

std::string letta_simulator::add_tool(std::string name, std::string description) {
    auto& tool = state_->ensure_tool(name, "custom", description);
    tool.description = std::move(description);
    return tool.id;
}

std::optional<std::string> letta_simulator::tool_id(std::string_view name) const {
    for (const auto& t : state_->tools) {
        if (t.name == name) return t.id;
    }
    return std::nullopt;
}

std::optional<json::object> letta_simulator::agent(std::string_view id) const {
    const auto* a = state_->find_agent(id);
    if (!a) return std::nullopt;
    return agent_json(*state_, *a);
}

std::vector<json::object> letta_simulator::agents() const {
    std::vector<json::object> out;
    for (const auto& a : state_->agents) out.push_back(agent_json(*state_, a));
    return out;
}

std::vector<std::string> letta_simulator::agent_tool_names(std::string_view id) const {
    std::vector<std::string> out;
    if (const auto* a = state_->find_agent(id)) {
        for (const auto& tid : a->tool_ids) {
            if (const auto* t = state_->find_tool(tid)) out.push_back(t->name);
        }
    }
    return out;
}

bool letta_simulator::delete_folder_directly(std::string_view id) {
    auto* f = state_->find_folder(id);
    if (!f) return false;
    f->phantom = true;
    state_->forget_folder(id);
    return true;
}

std::vector<json::object> letta_simulator::folders() const {
    std::vector<json::object> out;
    for (const auto& f : state_->folders) out.push_back(folder_json(f));
    return out;
}

std::vector<json::object> letta_simulator::files_of(std::string_view folder_id) const {
    std::vector<json::object> out;
    for (const auto& f : state_->files) {
        if (f.source_id == folder_id) out.push_back(file_json(f, *state_, true, false));
    }
    return out;
}

}  // namespace hvs::sim
