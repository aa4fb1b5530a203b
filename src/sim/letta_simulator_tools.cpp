// Letta simulator: the tool resource and an agent's tools (list with its limit=10 default and
// ID-string cursors, idempotent attach, lenient detach).

#include "letta_state.hpp"

#include <algorithm>

namespace hvs::sim::letta {
namespace {

constexpr std::string_view tool_types[] = {"custom",
                                           "letta_core",
                                           "letta_memory_core",
                                           "letta_multi_agent_core",
                                           "letta_sleeptime_core",
                                           "letta_voice_sleeptime_core",
                                           "letta_builtin",
                                           "letta_files_core",
                                           "external_mcp",
                                           "external_langchain",
                                           "external_composio"};

constexpr field_spec tool_fields[] = {
    {"source_code", kind::string, true}, {"description", kind::string}, {"tags", kind::string_list},
    {"json_schema", kind::object},       {"source_type", kind::string},  {"return_char_limit", kind::integer},
};

bool newer(const tool_record* x, const tool_record* y) {
    return x->created != y->created ? x->created > y->created : x->id > y->id;
}

// Repeated and comma-separated values of a query parameter.
std::vector<std::string> split_values(const call& c, std::string_view key) {
    std::vector<std::string> out;
    for (const auto& v : c.tgt.params(key)) {
        std::string_view rest = v;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = rest.substr(0, comma);
            if (!item.empty()) out.emplace_back(item);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

std::optional<std::string> invalid_tool_type(const std::vector<std::string>& types) {
    for (const auto& t : types) {
        if (std::find(std::begin(tool_types), std::end(tool_types), t) == std::end(tool_types)) return t;
    }
    return std::nullopt;
}

// The tool's name: json_schema.name, else the first `def name(` in the source.
std::optional<std::string> derive_tool_name(const json::object& body) {
    if (const auto* schema = body.if_contains("json_schema"); schema && schema->is_object()) {
        if (const auto name = get_string(schema->get_object(), "name"); name && !name->empty()) return name;
    }
    const auto source = get_string(body, "source_code").value_or("");
    const auto def = source.find("def ");
    if (def == std::string::npos) return std::nullopt;
    const auto paren = source.find('(', def);
    if (paren == std::string::npos) return std::nullopt;
    std::string name = source.substr(def + 4, paren - def - 4);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty()) return std::nullopt;
    return name;
}

// The response 0.13 gives after an attach/detach: AgentState, `null` for 1.x clients, or the
// TypeError 500 (the change is already committed) when there is no User-Agent.
response after_tool_change(const letta_state& st, const call& c, const agent_record& a) {
    if (c.client == client_kind::no_user_agent && st.options.strict_user_agent) return internal_error();
    if (c.client == client_kind::sdk_v1) return null_response();
    return json_response(status::ok, agent_json(st, a));
}

}  // namespace

response list_tools(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 50, false, errors, negative);
    const bool letta_only = query_bool(c, "return_only_letta_tools", errors).value_or(false);
    if (!errors.empty()) return validation_error(errors);
    const auto types = split_values(c, "tool_types");
    const auto excluded = split_values(c, "exclude_tool_types");
    if (auto bad = invalid_tool_type(types)) return detail(status::bad_request, "Invalid tool_type: " + *bad);
    if (auto bad = invalid_tool_type(excluded)) return detail(status::bad_request, "Invalid tool_type: " + *bad);
    if (negative) return internal_error();
    if (!q.after) st.seed_base_tools();  // the list call upserts missing Letta base tools

    auto names = c.tgt.params("names");
    if (const auto name = c.last("name")) names.push_back(*name);
    const auto ids = split_values(c, "tool_ids");
    const auto search = c.last("search");
    std::vector<const tool_record*> found;
    for (const auto& t : st.tools) {
        if (!names.empty() && std::find(names.begin(), names.end(), t.name) == names.end()) continue;
        if (!ids.empty() && std::find(ids.begin(), ids.end(), t.id) == ids.end()) continue;
        if (search && !like_contains(t.name, *search)) continue;
        if (!types.empty() && std::find(types.begin(), types.end(), t.tool_type) == types.end()) continue;
        if (std::find(excluded.begin(), excluded.end(), t.tool_type) != excluded.end()) continue;
        if (letta_only && t.tool_type.rfind("letta_", 0) != 0) continue;
        found.push_back(&t);
    }
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? newer(y, x) : newer(x, y); });
    auto cursor_filter = [&](const std::optional<std::string>& cursor, bool keep_later_in_order) {
        const auto* pivot = cursor ? st.find_tool(*cursor) : nullptr;
        if (!pivot) return;
        std::erase_if(found, [&](const tool_record* t) {
            const bool later = q.ascending ? newer(t, pivot) : newer(pivot, t);
            return t->id == pivot->id || later != keep_later_in_order;
        });
    };
    cursor_filter(q.after, true);
    cursor_filter(q.before, false);
    apply_limit(found, q);
    json::array out;
    for (const auto* t : found) out.push_back(tool_json(*t));
    return json_response(status::ok, out);
}

response upsert_tool(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    std::vector<field_error> errors;
    check_fields(o, tool_fields, loc({"body"}), errors);
    if (!errors.empty()) return validation_error(errors);
    const auto name = derive_tool_name(o);
    if (!name) return detail(status::bad_request, "INVALID_ARGUMENT: Could not derive a tool name from source_code");
    auto& tool = st.ensure_tool(*name, "custom", get_string(o, "description").value_or(""));
    if (const auto d = get_string(o, "description")) tool.description = *d;
    tool.source_code = *get_string(o, "source_code");
    if (const auto tags = get_strings(o, "tags")) {
        tool.tags.clear();
        for (const auto& t : *tags) tool.tags.emplace_back(t);
    }
    return json_response(status::ok, tool_json(tool));
}

response count_tools(letta_state& st, const call&) {
    return json_response(status::ok, static_cast<std::int64_t>(st.tools.size()));
}

response retrieve_tool(letta_state& st, const call& c) {
    const auto* t = st.find_tool(c.arg(0));
    if (!t) return detail(status::not_found, "Tool not found with id='" + c.arg(0) + "'");
    return json_response(status::ok, tool_json(*t));
}

response remove_tool(letta_state& st, const call& c) {
    if (!st.find_tool(c.arg(0))) return detail(status::not_found, "Tool not found with id='" + c.arg(0) + "'");
    for (auto& a : st.agents) std::erase(a.tool_ids, c.arg(0));
    std::erase_if(st.tools, [&](const tool_record& t) { return t.id == c.arg(0); });
    return null_response();
}

response list_agent_tools(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 10, false, errors, negative);
    if (!errors.empty()) return validation_error(errors);
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent not found");
    if (negative) return internal_error();
    std::vector<const tool_record*> found;
    for (const auto& id : a->tool_ids) {
        if (const auto* t = st.find_tool(id)) found.push_back(t);
    }
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? newer(y, x) : newer(x, y); });
    // The 0.13 bug: ordered by created_at, but the cursor compares ID strings.
    if (q.after && st.find_tool(*q.after)) std::erase_if(found, [&](auto* t) { return !(t->id > *q.after); });
    if (q.before && st.find_tool(*q.before)) std::erase_if(found, [&](auto* t) { return !(t->id < *q.before); });
    apply_limit(found, q);
    json::array out;
    for (const auto* t : found) out.push_back(tool_json(*t));
    return json_response(status::ok, out);
}

response attach_tool(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent not found");
    if (!st.find_tool(c.arg(1))) {
        return detail(status::not_found, "Tool with id=" + c.arg(1) + " not found in organization=" + std::string(org_id));
    }
    if (std::find(a->tool_ids.begin(), a->tool_ids.end(), c.arg(1)) == a->tool_ids.end()) {
        a->tool_ids.push_back(c.arg(1));
        a->updated = st.stamp();
    }
    return after_tool_change(st, c, *a);
}

response detach_tool(letta_state& st, const call& c) {
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent not found");
    if (std::erase(a->tool_ids, c.arg(1)) > 0) a->updated = st.stamp();
    return after_tool_change(st, c, *a);
}

}  // namespace hvs::sim::letta
