#include "hvs/letta/client.hpp"

#include "hvs/core/hash.hpp"
#include "hvs/core/json.hpp"

#include <boost/json/serialize.hpp>

#include <set>

namespace hvs::letta {
namespace {

result<tool> decode_tool_value(const boost::json::value& v) {
    auto obj = core::object_of(v, "letta tool");
    if (!obj) return obj.error();
    auto id = core::string_field(**obj, "id", "letta tool");
    if (!id) return id.error();
    auto name = core::string_field(**obj, "name", "letta tool");
    if (!name) return name.error();
    return tool{*id, *name};
}

result<agent> decode_agent_value(const boost::json::value& v) {
    constexpr std::string_view what = "letta agent";
    auto obj = core::object_of(v, what);
    if (!obj) return obj.error();
    agent a;
    auto id = core::string_field(**obj, "id", what);
    if (!id) return id.error();
    a.id = *id;
    auto name = core::string_field(**obj, "name", what);
    if (!name) return name.error();
    a.name = *name;
    if (auto* tags = (*obj)->if_contains("tags"); tags && tags->is_array()) {
        for (const auto& t : tags->as_array()) {
            if (t.is_string()) a.tags.emplace_back(t.as_string());
        }
    }
    if (auto* tools = (*obj)->if_contains("tools"); tools && tools->is_array()) {
        for (const auto& t : tools->as_array()) {
            auto decoded = decode_tool_value(t);
            if (!decoded) return decoded.error();
            a.tools.push_back(std::move(*decoded));
        }
    }
    auto created = core::optional_string_field(**obj, "created_at", what);
    if (!created) return created.error();
    a.created_at = created->value_or("");
    return a;
}

// Targets are built outside the coroutines: GCC 12 cannot keep an initializer_list's array in a
// coroutine frame.
std::string agents_target(const std::string& base, const agent_query& q) {
    net::query_params params;
    if (q.name) params.emplace_back("name", *q.name);
    for (const auto& tag : q.tags) params.emplace_back("tags", tag);
    if (q.match_all_tags) params.emplace_back("match_all_tags", "true");
    params.emplace_back("limit", std::to_string(q.limit));
    params.emplace_back("order", q.oldest_first ? "asc" : "desc");
    // Explicit relationships: never subject to the server's User-Agent sniffing.
    params.emplace_back("include_relationships", "tools");
    params.emplace_back("include_relationships", "tags");
    return net::build_target(base, {"agents", ""}, params);
}

std::string agent_target(const std::string& base, const std::string& id) {
    return net::build_target(base, {"agents", id},
                             {{"include_relationships", "tools"}, {"include_relationships", "tags"}});
}

std::string agent_delete_target(const std::string& base, const std::string& id) {
    return net::build_target(base, {"agents", id});
}

std::string agent_tools_target(const std::string& base, const std::string& id) {
    return net::build_target(base, {"agents", id, "tools"}, {{"limit", "10000"}});
}

std::string tool_change_target(const std::string& base, const std::string& agent_id, std::string_view change,
                               const std::string& tool_id) {
    return net::build_target(base, {"agents", agent_id, "tools", change, tool_id});
}

std::string tools_by_name_target(const std::string& base, const std::string& name) {
    return net::build_target(base, {"tools", ""}, {{"name", name}, {"limit", "1000"}});
}

std::string collection_target(const std::string& base, std::string_view collection) {
    return net::build_target(base, {collection, ""});
}

std::string agent_block_target(const std::string& base, const std::string& agent_id, const std::string& label) {
    return net::build_target(base, {"agents", agent_id, "core-memory", "blocks", label});
}

std::string block_target(const std::string& base, const std::string& block_id) {
    return net::build_target(base, {"blocks", block_id});
}

std::string attach_block_target(const std::string& base, const std::string& agent_id, const std::string& block_id) {
    return net::build_target(base, {"agents", agent_id, "core-memory", "blocks", "attach", block_id});
}

std::string folders_page_target(const std::string& base, const std::optional<std::string>& after) {
    net::query_params params;
    params.emplace_back("limit", std::to_string(folder_page_size));
    params.emplace_back("order", "asc");
    if (after) params.emplace_back("after", *after);
    return net::build_target(base, {"folders", ""}, params);
}

std::string folder_by_name_target(const std::string& base, const std::string& name) {
    return net::build_target(base, {"folders", "name", name});
}

std::string folder_target(const std::string& base, const std::string& folder_id) {
    return net::build_target(base, {"folders", folder_id});
}

std::string folder_files_target(const std::string& base, const std::string& folder_id) {
    return net::build_target(base, {"folders", folder_id, "files"}, {{"limit", "1000"}});
}

std::string folder_file_target(const std::string& base, const std::string& folder_id, const std::string& file_id) {
    return net::build_target(base, {"folders", folder_id, file_id});
}

std::string upload_target(const std::string& base, const std::string& folder_id) {
    return net::build_target(base, {"folders", folder_id, "upload"}, {{"duplicate_handling", "replace"}});
}

std::string attach_folder_target(const std::string& base, const std::string& agent_id, const std::string& folder_id) {
    return net::build_target(base, {"agents", agent_id, "folders", "attach", folder_id});
}

std::string agent_folders_target(const std::string& base, const std::string& agent_id) {
    return net::build_target(base, {"agents", agent_id, "folders"}, {{"limit", "1000"}});
}

result<folder> decode_folder_value(const boost::json::value& v) {
    constexpr std::string_view what = "letta folder";
    auto obj = core::object_of(v, what);
    if (!obj) return obj.error();
    auto id = core::string_field(**obj, "id", what);
    if (!id) return id.error();
    auto name = core::string_field(**obj, "name", what);
    if (!name) return name.error();
    return folder{*id, *name};
}

result<file_info> decode_file_value(const boost::json::value& v) {
    constexpr std::string_view what = "letta file";
    auto obj = core::object_of(v, what);
    if (!obj) return obj.error();
    file_info f;
    auto id = core::string_field(**obj, "id", what);
    if (!id) return id.error();
    f.id = *id;
    auto original = core::optional_string_field(**obj, "original_file_name", what);
    if (!original) return original.error();
    if (*original) {
        f.original_file_name = **original;
    } else {
        // Older answers may lack it: the stored name without the "<folder>/" prefix.
        auto name = core::string_field(**obj, "file_name", what);
        if (!name) return name.error();
        auto slash = name->rfind('/');
        f.original_file_name = slash == std::string::npos ? *name : name->substr(slash + 1);
    }
    auto status = core::optional_string_field(**obj, "processing_status", what);
    if (!status) return status.error();
    f.processing_status = status->value_or("");
    return f;
}

// A filename inside a quoted header parameter: nothing that could end the quote or the header.
std::string quoted_filename(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) out += (c == '"' || c == '\\' || c == '\r' || c == '\n') ? '_' : c;
    return out;
}

std::string block_value_body(const std::string& value) {
    return boost::json::serialize(boost::json::object{{"value", value}});
}

std::string block_body(const new_block& b) {
    return boost::json::serialize(boost::json::object{{"label", b.label}, {"value", b.value}, {"limit", b.limit}});
}

}  // namespace

std::string encode_agent_spec(const agent_spec& spec) {
    boost::json::object body{{"name", spec.name},
                             {"agent_type", "letta_v1_agent"},
                             {"model", spec.model},
                             {"embedding", spec.embedding},
                             {"include_base_tools", true}};
    boost::json::array tags, tools, blocks, block_ids;
    for (const auto& t : spec.tags) tags.push_back(boost::json::value(t));
    for (const auto& t : spec.tool_ids) tools.push_back(boost::json::value(t));
    for (const auto& b : spec.memory_blocks) {
        blocks.push_back(boost::json::object{{"label", b.label}, {"value", b.value}, {"limit", b.limit}});
    }
    for (const auto& id : spec.block_ids) block_ids.push_back(boost::json::value(id));
    body["tags"] = std::move(tags);
    body["tool_ids"] = std::move(tools);
    body["memory_blocks"] = std::move(blocks);
    body["block_ids"] = std::move(block_ids);
    return boost::json::serialize(body);
}

result<block> decode_block(std::string_view body) {
    auto doc = core::parse_json(body, "letta block");
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, "letta block");
    if (!obj) return obj.error();
    block b;
    auto id = core::string_field(**obj, "id", "letta block");
    if (!id) return id.error();
    b.id = *id;
    auto label = core::string_field(**obj, "label", "letta block");
    if (!label) return label.error();
    b.label = *label;
    auto value = core::optional_string_field(**obj, "value", "letta block");
    if (!value) return value.error();
    b.value = value->value_or("");
    return b;
}

std::string encode_agent_tags(const std::vector<std::string>& tags) {
    boost::json::array list;
    for (const auto& t : tags) list.emplace_back(t);
    return boost::json::serialize(boost::json::object{{"tags", std::move(list)}});
}

std::string encode_folder_spec(const std::string& name, const std::string& embedding) {
    return boost::json::serialize(boost::json::object{{"name", name}, {"embedding", embedding}});
}

std::string multipart_boundary(std::string_view content) {
    std::string boundary = "hvs-boundary-" + core::content_hash(content);
    for (unsigned n = 0; content.find(boundary) != std::string_view::npos; ++n) {
        boundary = "hvs-boundary-" + core::content_hash(content) + "-" + std::to_string(n);
    }
    return boundary;
}

std::string encode_upload(const upload& file, std::string_view boundary) {
    std::string body;
    body.reserve(file.content.size() + 256);
    body += "--";
    body += boundary;
    body += "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"";
    body += quoted_filename(file.file_name);
    body += "\"\r\nContent-Type: ";
    body += file.content_type;
    body += "\r\n\r\n";
    body += file.content;
    body += "\r\n--";
    body += boundary;
    body += "--\r\n";
    return body;
}

result<std::string> decode_folder_id(std::string_view body) {
    auto doc = core::parse_json(body, "letta folder id");
    if (!doc) return doc.error();
    if (!doc->is_string()) return make_error(error_kind::parse, "letta folder id: expected a JSON string");
    return std::string(doc->as_string());
}

result<folder> decode_folder(std::string_view body) {
    auto doc = core::parse_json(body, "letta folder");
    if (!doc) return doc.error();
    return decode_folder_value(*doc);
}

result<std::vector<folder>> decode_folders(std::string_view body) {
    auto doc = core::parse_json(body, "letta folders");
    if (!doc) return doc.error();
    auto items = core::array_of(*doc, "letta folders");
    if (!items) return items.error();
    std::vector<folder> out;
    for (const auto& item : **items) {
        auto f = decode_folder_value(item);
        if (!f) return f.error();
        out.push_back(std::move(*f));
    }
    return out;
}

result<file_info> decode_file(std::string_view body) {
    auto doc = core::parse_json(body, "letta file");
    if (!doc) return doc.error();
    return decode_file_value(*doc);
}

result<std::vector<file_info>> decode_files(std::string_view body) {
    auto doc = core::parse_json(body, "letta files");
    if (!doc) return doc.error();
    auto items = core::array_of(*doc, "letta files");
    if (!items) return items.error();
    std::vector<file_info> out;
    for (const auto& item : **items) {
        auto f = decode_file_value(item);
        if (!f) return f.error();
        out.push_back(std::move(*f));
    }
    return out;
}

std::string v1_path(const net::base_url& where) {
    std::string path = where.path;
    if (path.size() >= 3 && path.compare(path.size() - 3, 3, "/v1") == 0) return path;
    return path + "/v1";
}

result<agent> decode_agent(std::string_view body) {
    auto doc = core::parse_json(body, "letta agent");
    if (!doc) return doc.error();
    return decode_agent_value(*doc);
}

result<std::vector<agent>> decode_agents(std::string_view body) {
    auto doc = core::parse_json(body, "letta GET /v1/agents/");
    if (!doc) return doc.error();
    auto items = core::array_of(*doc, "letta GET /v1/agents/");
    if (!items) return items.error();
    std::vector<agent> out;
    for (const auto& item : **items) {
        auto a = decode_agent_value(item);
        if (!a) return a.error();
        out.push_back(std::move(*a));
    }
    return out;
}

result<std::vector<tool>> decode_tools(std::string_view body) {
    auto doc = core::parse_json(body, "letta tools");
    if (!doc) return doc.error();
    auto items = core::array_of(*doc, "letta tools");
    if (!items) return items.error();
    std::vector<tool> out;
    for (const auto& item : **items) {
        auto t = decode_tool_value(item);
        if (!t) return t.error();
        out.push_back(std::move(*t));
    }
    return out;
}

net::task<result<net::http_response>> client::call(net::http::verb verb, std::string target, std::string body,
                                                   bool idempotent, std::string content_type) {
    net::http_request req{verb, std::move(target), 11};
    req.set(net::http::field::accept, "application/json");
    req.set(net::http::field::authorization, "Bearer " + password_);
    if (!body.empty()) {
        req.set(net::http::field::content_type, content_type);
        req.body() = std::move(body);
    }
    net::request_options options;
    options.idempotent = idempotent;
    co_return co_await http_.send(std::move(req), options);
}

net::task<result<std::vector<agent>>> client::list_agents(agent_query query) {
    auto res = co_await call(net::http::verb::get, agents_target(v1_path(http_.where()), query), {}, true);
    if (!res) co_return res.error();
    co_return decode_agents(res->body());
}

net::task<result<agent>> client::get_agent(std::string agent_id) {
    auto res = co_await call(net::http::verb::get, agent_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    co_return decode_agent(res->body());
}

net::task<result<void>> client::set_agent_tags(std::string agent_id, std::vector<std::string> tags) {
    auto body = encode_agent_tags(tags);
    auto res = co_await call(net::http::verb::patch, agent_target(v1_path(http_.where()), agent_id), std::move(body),
                             true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<std::vector<tool>>> client::agent_tools(std::string agent_id) {
    auto res = co_await call(net::http::verb::get, agent_tools_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    co_return decode_tools(res->body());
}

net::task<result<void>> client::attach_tool(std::string agent_id, std::string tool_id) {
    // Attaching is idempotent on the server: safe to repeat.
    auto res = co_await call(net::http::verb::patch,
                             tool_change_target(v1_path(http_.where()), agent_id, "attach", tool_id), {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<void>> client::detach_tool(std::string agent_id, std::string tool_id) {
    auto res = co_await call(net::http::verb::patch,
                             tool_change_target(v1_path(http_.where()), agent_id, "detach", tool_id), {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<std::vector<tool>>> client::tools_named(std::string name) {
    auto res = co_await call(net::http::verb::get, tools_by_name_target(v1_path(http_.where()), name), {}, true);
    if (!res) co_return res.error();
    auto tools = decode_tools(res->body());
    if (!tools) co_return tools.error();
    std::erase_if(*tools, [&](const tool& t) { return t.name != name; });
    co_return tools;
}

net::task<result<agent>> client::create_agent(agent_spec spec) {
    auto body = encode_agent_spec(spec);
    auto res = co_await call(net::http::verb::post, collection_target(v1_path(http_.where()), "agents"), std::move(body),
                             false);
    if (!res) co_return res.error();
    co_return decode_agent(res->body());
}

net::task<result<void>> client::delete_agent(std::string agent_id) {
    auto res = co_await call(net::http::verb::delete_, agent_delete_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<block>> client::agent_block(std::string agent_id, std::string label) {
    auto res = co_await call(net::http::verb::get, agent_block_target(v1_path(http_.where()), agent_id, label), {}, true);
    if (!res) co_return res.error();
    co_return decode_block(res->body());
}

net::task<result<void>> client::modify_block(std::string block_id, std::string value) {
    auto res = co_await call(net::http::verb::patch, block_target(v1_path(http_.where()), block_id),
                             block_value_body(value), true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<block>> client::create_block(new_block spec) {
    auto res = co_await call(net::http::verb::post, collection_target(v1_path(http_.where()), "blocks"),
                             block_body(spec), false);
    if (!res) co_return res.error();
    co_return decode_block(res->body());
}

net::task<result<void>> client::attach_block(std::string agent_id, std::string block_id) {
    auto res = co_await call(net::http::verb::patch, attach_block_target(v1_path(http_.where()), agent_id, block_id),
                             {}, true);
    if (!res && !(res.error().http_status == 409)) co_return res.error();  // 409: already attached
    co_return result<void>{};
}

net::task<result<std::vector<folder>>> client::all_folders() {
    std::vector<folder> out;
    std::set<std::string> seen;
    std::optional<std::string> after;
    for (;;) {
        auto res = co_await call(net::http::verb::get, folders_page_target(v1_path(http_.where()), after), {}, true);
        if (!res) co_return res.error();
        auto page = decode_folders(res->body());
        if (!page) co_return page.error();
        for (auto& f : *page) {
            if (!seen.insert(f.id).second) {
                co_return make_error(error_kind::protocol,
                                     "letta GET /v1/folders/: folder " + f.id + " came back twice while paging");
            }
            out.push_back(std::move(f));
        }
        if (page->size() < folder_page_size) co_return out;
        after = out.back().id;
    }
}

net::task<result<std::optional<std::string>>> client::folder_id_by_name(std::string name) {
    auto res = co_await call(net::http::verb::get, folder_by_name_target(v1_path(http_.where()), name), {}, true);
    if (!res) {
        if (res.error().http_status == 404) co_return std::optional<std::string>{};
        co_return res.error();
    }
    auto id = decode_folder_id(res->body());
    if (!id) co_return id.error();
    co_return std::optional<std::string>(std::move(*id));
}

net::task<result<folder>> client::create_folder(std::string name, std::string embedding) {
    auto body = encode_folder_spec(name, embedding);
    auto res = co_await call(net::http::verb::post, collection_target(v1_path(http_.where()), "folders"),
                             std::move(body), false);
    if (!res) co_return res.error();
    co_return decode_folder(res->body());
}

net::task<result<void>> client::attach_folder(std::string agent_id, std::string folder_id) {
    auto res = co_await call(net::http::verb::patch, attach_folder_target(v1_path(http_.where()), agent_id, folder_id),
                             {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<std::vector<std::string>>> client::agent_folder_ids(std::string agent_id) {
    auto res = co_await call(net::http::verb::get, agent_folders_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    auto folders = decode_folders(res->body());
    if (!folders) co_return folders.error();
    std::vector<std::string> ids;
    for (auto& f : *folders) ids.push_back(std::move(f.id));
    co_return ids;
}

net::task<result<std::vector<file_info>>> client::folder_files(std::string folder_id) {
    auto res = co_await call(net::http::verb::get, folder_files_target(v1_path(http_.where()), folder_id), {}, true);
    if (!res) co_return res.error();
    co_return decode_files(res->body());
}

net::task<result<file_info>> client::upload_file(std::string folder_id, upload file) {
    if (file.content.size() > max_upload_bytes) {
        co_return make_error(error_kind::invalid, "file '" + file.file_name + "' has " +
                                                      std::to_string(file.content.size()) + " bytes, more than " +
                                                      std::to_string(max_upload_bytes) + " allowed for an upload");
    }
    auto boundary = multipart_boundary(file.content);
    auto body = encode_upload(file, boundary);
    std::string content_type = "multipart/form-data; boundary=" + boundary;
    // Replace semantics make a repeat harmless: the second upload replaces the first.
    auto res = co_await call(net::http::verb::post, upload_target(v1_path(http_.where()), folder_id), std::move(body),
                             true, std::move(content_type));
    if (!res) co_return res.error();
    co_return decode_file(res->body());
}

net::task<result<void>> client::delete_file(std::string folder_id, std::string file_id) {
    auto res = co_await call(net::http::verb::delete_, folder_file_target(v1_path(http_.where()), folder_id, file_id),
                             {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<void>> client::delete_folder(std::string folder_id) {
    auto res = co_await call(net::http::verb::delete_, folder_target(v1_path(http_.where()), folder_id), {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

}  // namespace hvs::letta
