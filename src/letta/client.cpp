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

result<block> decode_block_value(const boost::json::value& v) {
    auto obj = core::object_of(v, "letta block");
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
    if (auto* blocks = (*obj)->if_contains("blocks"); blocks && blocks->is_array()) {
        for (const auto& b : blocks->as_array()) {
            auto decoded = decode_block_value(b);
            if (!decoded) return decoded.error();
            a.blocks.push_back(std::move(*decoded));
        }
    }
    if (auto* sources = (*obj)->if_contains("sources"); sources && sources->is_array()) {
        for (const auto& f : sources->as_array()) {
            auto decoded = decode_folder_value(f);
            if (!decoded) return decoded.error();
            a.folder_ids.push_back(std::move(decoded->id));
        }
    }
    auto created = core::optional_string_field(**obj, "created_at", what);
    if (!created) return created.error();
    a.created_at = created->value_or("");
    return a;
}

// Explicit relationships, never subject to the server's User-Agent sniffing: include_relationships
// for servers before the 1.x SDK, and include=agent.* which 0.16.8 also reads (agents.py list_agents
// and retrieve_agent; letta/orm/agent.py to_pydantic_async loads the union of both) and the 1.x SDK
// uses instead.
void add_relationships(net::query_params& params) {
    params.emplace_back("include_relationships", "tools");
    params.emplace_back("include_relationships", "tags");
    params.emplace_back("include", "agent.tools");
    params.emplace_back("include", "agent.tags");
}

// A list page: limit list_page_size, oldest first, after the cursor when there is one.
net::query_params page_params(const std::optional<std::string>& after) {
    net::query_params params;
    params.emplace_back("limit", std::to_string(list_page_size));
    params.emplace_back("order", "asc");
    if (after) params.emplace_back("after", *after);
    return params;
}

// Targets are built outside the coroutines: GCC 12 cannot keep an initializer_list's array in a
// coroutine frame.
std::string first_agent_target(const std::string& base) {
    net::query_params params;
    params.emplace_back("limit", "1");
    return net::build_target(base, {"agents", ""}, params);
}

std::string agents_target(const std::string& base, const agent_query& q, const std::optional<std::string>& after) {
    net::query_params params;
    if (q.name) params.emplace_back("name", *q.name);
    for (const auto& tag : q.tags) params.emplace_back("tags", tag);
    if (q.match_all_tags) params.emplace_back("match_all_tags", "true");
    params.emplace_back("limit", std::to_string(list_page_size));
    params.emplace_back("order", q.oldest_first ? "asc" : "desc");
    if (after) params.emplace_back("after", *after);
    add_relationships(params);
    return net::build_target(base, {"agents", ""}, params);
}

std::string agent_target(const std::string& base, const std::string& id) {
    net::query_params params;
    add_relationships(params);
    return net::build_target(base, {"agents", id}, params);
}

std::string agent_memory_target(const std::string& base, const std::string& id) {
    net::query_params params;
    add_relationships(params);
    params.emplace_back("include_relationships", "memory");
    params.emplace_back("include", "agent.blocks");
    return net::build_target(base, {"agents", id}, params);
}

std::string agent_folders_target(const std::string& base, const std::string& id) {
    return net::build_target(base, {"agents", id}, {{"include_relationships", "sources"}, {"include", "agent.sources"}});
}

std::string agent_delete_target(const std::string& base, const std::string& id) {
    return net::build_target(base, {"agents", id});
}

std::string tool_change_target(const std::string& base, const std::string& agent_id, std::string_view change,
                               const std::string& tool_id) {
    return net::build_target(base, {"agents", agent_id, "tools", change, tool_id});
}

std::string tools_by_name_target(const std::string& base, const std::string& name,
                                 const std::optional<std::string>& after) {
    auto params = page_params(after);
    params.emplace_back("name", name);
    return net::build_target(base, {"tools", ""}, params);
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

std::string folders_page_target(const std::string& base, const std::optional<std::string>& name,
                                const std::optional<std::string>& after) {
    auto params = page_params(after);
    if (name) params.emplace_back("name", *name);
    return net::build_target(base, {"folders", ""}, params);
}

std::string agent_blocks_target(const std::string& base, const std::string& agent_id,
                                const std::optional<std::string>& after) {
    return net::build_target(base, {"agents", agent_id, "core-memory", "blocks"}, page_params(after));
}

std::string folder_target(const std::string& base, const std::string& folder_id) {
    return net::build_target(base, {"folders", folder_id});
}

std::string folder_files_target(const std::string& base, const std::string& folder_id,
                                const std::optional<std::string>& after) {
    return net::build_target(base, {"folders", folder_id, "files"}, page_params(after));
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
    return decode_block_value(*doc);
}

result<std::vector<block>> decode_blocks(std::string_view body) {
    auto doc = core::parse_json(body, "letta blocks");
    if (!doc) return doc.error();
    auto items = core::array_of(*doc, "letta blocks");
    if (!items) return items.error();
    std::vector<block> out;
    for (const auto& item : **items) {
        auto b = decode_block_value(item);
        if (!b) return b.error();
        out.push_back(std::move(*b));
    }
    return out;
}

std::string encode_agent_tags(const std::vector<std::string>& tags) {
    boost::json::array list;
    for (const auto& t : tags) list.emplace_back(t);
    return boost::json::serialize(boost::json::object{{"tags", std::move(list)}});
}

std::string encode_agent_tool_ids(const std::vector<std::string>& tool_ids) {
    boost::json::array list;
    for (const auto& id : tool_ids) list.emplace_back(id);
    return boost::json::serialize(boost::json::object{{"tool_ids", std::move(list)}});
}

std::string encode_folder_spec(const std::string& name, const std::string& embedding) {
    return boost::json::serialize(boost::json::object{{"name", name}, {"embedding", embedding}});
}

std::string multipart_boundary(std::string_view content) {
    // Half the SHA-256: RFC 2046 allows a boundary of at most 70 characters.
    const std::string stem = "hvs-boundary-" + core::content_hash(content).substr(0, 32);
    std::string boundary = stem;
    for (unsigned n = 0; content.find(boundary) != std::string_view::npos; ++n) {
        boundary = stem + "-" + std::to_string(n);
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

result<std::string> decode_health_version(std::string_view body) {
    auto doc = core::parse_json(body, "letta health");
    if (!doc) return doc.error();
    auto obj = core::object_of(*doc, "letta health");
    if (!obj) return obj.error();
    return core::string_field(**obj, "version", "letta health");
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
    // Copies named before each co_await (GCC 12 miscompiles temporaries inside co_await).
    for (unsigned attempt = 1;; ++attempt) {
        net::http_request sent = req;
        net::request_options sent_options = options;
        result<net::http_response> res = co_await http_.send(std::move(sent), std::move(sent_options));
        const bool locked = !res && res.error().http_status == 409 && res.error().retry_after.count() > 0;
        if (!locked || attempt >= lock_attempts) co_return res;
        const net::milliseconds wait = res.error().retry_after;
        result<void> slept = co_await net::sleep_for(wait);
        if (!slept) co_return slept.error();
    }
}

template <class Item>
net::task<result<std::vector<Item>>> client::every_page(
    std::function<std::string(const std::optional<std::string>&)> target_of,
    result<std::vector<Item>> (*decode)(std::string_view), std::string what) {
    std::vector<Item> out;
    std::set<std::string> seen;
    std::optional<std::string> after;
    for (;;) {
        auto target = target_of(after);
        auto res = co_await call(net::http::verb::get, std::move(target), {}, true);
        if (!res) co_return res.error();
        auto page = decode(res->body());
        if (!page) co_return page.error();
        for (auto& item : *page) {
            if (!seen.insert(item.id).second) {
                co_return make_error(error_kind::protocol,
                                     "letta " + what + ": " + item.id + " came back twice while paging");
            }
            out.push_back(std::move(item));
        }
        if (page->size() < list_page_size) co_return out;
        after = out.back().id;
    }
}

net::task<result<std::vector<agent>>> client::list_agents(agent_query query) {
    auto target_of = [base = v1_path(http_.where()), query](const std::optional<std::string>& after) {
        return agents_target(base, query, after);
    };
    co_return co_await every_page<agent>(std::move(target_of), decode_agents, "GET /v1/agents/");
}

net::task<result<void>> client::probe_agents_list() {
    auto target = first_agent_target(v1_path(http_.where()));
    auto res = co_await call(net::http::verb::get, std::move(target), {}, true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<agent>> client::get_agent(std::string agent_id) {
    auto res = co_await call(net::http::verb::get, agent_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    co_return decode_agent(res->body());
}

net::task<result<agent>> client::agent_with_memory(std::string agent_id) {
    auto res = co_await call(net::http::verb::get, agent_memory_target(v1_path(http_.where()), agent_id), {}, true);
    if (!res) co_return res.error();
    auto doc = core::parse_json(res->body(), "letta agent");
    if (!doc) co_return doc.error();
    const auto* blocks = doc->is_object() ? doc->as_object().if_contains("blocks") : nullptr;
    if (!blocks || !blocks->is_array()) {
        co_return make_error(error_kind::protocol, "letta GET /v1/agents/" + agent_id +
                                                       " answered without the agent's memory blocks");
    }
    co_return decode_agent_value(*doc);
}

net::task<result<void>> client::update_agent(std::string agent_id, std::string body) {
    auto res = co_await call(net::http::verb::patch, agent_target(v1_path(http_.where()), agent_id), std::move(body),
                             true);
    if (!res) co_return res.error();
    co_return result<void>{};
}

net::task<result<void>> client::set_agent_tags(std::string agent_id, std::vector<std::string> tags) {
    auto body = encode_agent_tags(tags);
    co_return co_await update_agent(std::move(agent_id), std::move(body));
}

net::task<result<std::vector<tool>>> client::agent_tools(std::string agent_id) {
    auto found = co_await get_agent(std::move(agent_id));
    if (!found) co_return found.error();
    co_return std::move(found->tools);
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

net::task<result<void>> client::set_agent_tools(std::string agent_id, std::vector<std::string> tool_ids) {
    auto body = encode_agent_tool_ids(tool_ids);
    co_return co_await update_agent(std::move(agent_id), std::move(body));
}

net::task<result<std::vector<tool>>> client::tools_named(std::string name) {
    auto target_of = [base = v1_path(http_.where()), name](const std::optional<std::string>& after) {
        return tools_by_name_target(base, name, after);
    };
    auto tools = co_await every_page<tool>(std::move(target_of), decode_tools, "GET /v1/tools/");
    if (!tools) co_return tools.error();
    std::erase_if(*tools, [&](const tool& t) { return t.name != name; });
    co_return tools;
}

net::task<result<agent>> client::create_agent(agent_spec spec) {
    auto body = encode_agent_spec(spec);
    auto res = co_await call(net::http::verb::post, collection_target(v1_path(http_.where()), "agents"), std::move(body),
                             false);
    if (!res && res.error().http_status == 402) {
        error quota = res.error();
        quota.message = "Letta refused to create agent '" + spec.name +
                        "': 402 Payment Required, the plan's agent quota is reached (delete agents or raise the plan)";
        co_return quota;
    }
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

net::task<result<std::vector<block>>> client::agent_blocks(std::string agent_id) {
    auto target_of = [base = v1_path(http_.where()), agent_id](const std::optional<std::string>& after) {
        return agent_blocks_target(base, agent_id, after);
    };
    co_return co_await every_page<block>(std::move(target_of), decode_blocks, "GET /v1/agents/{id}/core-memory/blocks");
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
    if (res) co_return result<void>{};
    if (res.error().http_status != 409) co_return res.error();
    // A 409 left after the lock retries: attached already, or another block holds the label. Confirm.
    auto blocks = co_await agent_blocks(agent_id);
    if (!blocks) co_return blocks.error();
    for (const auto& b : *blocks) {
        if (b.id == block_id) co_return result<void>{};
    }
    co_return res.error();
}

net::task<result<std::vector<folder>>> client::all_folders() {
    auto target_of = [base = v1_path(http_.where())](const std::optional<std::string>& after) {
        return folders_page_target(base, std::nullopt, after);
    };
    co_return co_await every_page<folder>(std::move(target_of), decode_folders, "GET /v1/folders/");
}

net::task<result<std::optional<std::string>>> client::folder_id_by_name(std::string name) {
    auto target_of = [base = v1_path(http_.where()), name](const std::optional<std::string>& after) {
        return folders_page_target(base, name, after);
    };
    auto folders = co_await every_page<folder>(std::move(target_of), decode_folders, "GET /v1/folders/?name=");
    if (!folders) co_return folders.error();
    for (auto& f : *folders) {
        if (f.name == name) co_return std::optional<std::string>(std::move(f.id));
    }
    co_return std::optional<std::string>{};
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
    auto found = decode_agent(res->body());
    if (!found) co_return found.error();
    co_return std::move(found->folder_ids);
}

net::task<result<std::vector<file_info>>> client::folder_files(std::string folder_id) {
    auto target_of = [base = v1_path(http_.where()), folder_id](const std::optional<std::string>& after) {
        return folder_files_target(base, folder_id, after);
    };
    co_return co_await every_page<file_info>(std::move(target_of), decode_files, "GET /v1/folders/{id}/files");
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
