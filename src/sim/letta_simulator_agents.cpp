// Letta simulator: health and the agent resource (list, create, count, retrieve, modify, delete).

#include "letta_state.hpp"

#include <algorithm>

namespace hvs::sim::letta {
namespace {

constexpr std::string_view agent_types[] = {"memgpt_agent",     "memgpt_v2_agent",    "letta_v1_agent",
                                            "react_agent",      "workflow_agent",     "split_thread_agent",
                                            "sleeptime_agent",  "voice_convo_agent",  "voice_sleeptime_agent"};

constexpr std::string_view include_values[] = {"agent.blocks",  "agent.identities", "agent.managed_group",
                                               "agent.secrets", "agent.sources",    "agent.tags",
                                               "agent.tools"};

constexpr field_spec create_fields[] = {
    {"name", kind::string},          {"agent_type", kind::string},     {"system", kind::string},
    {"description", kind::string},   {"metadata", kind::object},       {"model", kind::string},
    {"embedding", kind::string},     {"llm_config", kind::object},     {"embedding_config", kind::object},
    {"tags", kind::string_list},     {"memory_blocks", kind::list},    {"block_ids", kind::string_list},
    {"tool_ids", kind::string_list}, {"tools", kind::string_list},     {"source_ids", kind::string_list},
    {"include_base_tools", kind::boolean}, {"enable_sleeptime", kind::boolean}, {"hidden", kind::boolean},
    {"timezone", kind::string},
};

constexpr field_spec update_fields[] = {
    {"name", kind::string},          {"system", kind::string},         {"description", kind::string},
    {"metadata", kind::object},      {"model", kind::string},          {"embedding", kind::string},
    {"llm_config", kind::object},    {"embedding_config", kind::object}, {"tags", kind::string_list},
    {"tool_ids", kind::string_list}, {"block_ids", kind::string_list}, {"source_ids", kind::string_list},
    {"enable_sleeptime", kind::boolean}, {"hidden", kind::boolean},    {"timezone", kind::string},
};

constexpr field_spec memory_block_fields[] = {
    {"label", kind::string, true}, {"value", kind::any, true},  {"limit", kind::integer},
    {"description", kind::string}, {"metadata", kind::object}, {"read_only", kind::boolean},
};

constexpr std::string_view adjectives[] = {"Brilliant", "Curious", "Gentle", "Radiant", "Swift", "Witty", "Calm", "Bold"};
constexpr std::string_view nouns[] = {"Otter", "Falcon", "Maple", "Comet", "Harbor", "Lynx", "Willow", "Quartz"};

// One code point of `^[\w '\-]+$` (Python's Unicode \w, approximated for non-ASCII).
bool name_char(unsigned long cp) {
    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_' ||
               cp == ' ' || cp == '\'' || cp == '-';
    }
    if (cp < 0xC0) return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA || (cp >= 0xBC && cp <= 0xBE);
    if (cp == 0xD7 || cp == 0xF7) return false;
    if (cp >= 0x2000 && cp <= 0x2BFF) return false;
    if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F)) return false;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0x1F000) return false;
    return true;
}

// Python `re.match(r"^[\w '\-]+$", name)`: `$` also matches before one final newline.
bool valid_agent_name(std::string_view name) {
    if (!name.empty() && name.back() == '\n') name.remove_suffix(1);
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size();) {
        const auto b0 = static_cast<unsigned char>(name[i]);
        std::size_t len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
        if (i + len > name.size()) return false;
        unsigned long cp = len == 1 ? b0 : b0 & (0xFF >> (len + 1));
        for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(name[i + k]) & 0x3F);
        if (!name_char(cp)) return false;
        i += len;
    }
    return true;
}

response invalid_name(std::string_view name) {
    return detail(status::internal_server_error,
                  "Export failed: Agent name '" + std::string(name) +
                      "' contains invalid characters. Only letters, digits, spaces, hyphens, underscores and "
                      "apostrophes are allowed.");
}

void check_handle(const json::object& body, std::string_view key, std::vector<field_error>& errors) {
    const auto value = get_string(body, key);
    if (value && value->find('/') == std::string::npos) {
        errors.push_back({"value_error", loc({"body", json::string(key)}),
                          "Value error, The " + std::string(key) + " handle should be in the format provider/model-name",
                          py_repr(*value), "{'error': ValueError('The " + std::string(key) +
                                               " handle should be in the format provider/model-name')}"});
    }
}

void check_agent_type(const json::object& body, std::vector<field_error>& errors) {
    const auto type = get_string(body, "agent_type");
    if (!type || std::find(std::begin(agent_types), std::end(agent_types), *type) != std::end(agent_types)) return;
    std::string expected;
    for (std::size_t i = 0; i < std::size(agent_types); ++i) {
        expected += (i == 0 ? "" : i + 1 == std::size(agent_types) ? " or " : ", ") + ("'" + std::string(agent_types[i]) + "'");
    }
    errors.push_back({"enum", loc({"body", "agent_type"}), "Input should be " + expected, py_repr(*type),
                      "{'expected': " + py_repr(expected) + "}"});
}

void check_memory_blocks(const json::object& body, std::vector<field_error>& errors) {
    const auto* blocks = body.if_contains("memory_blocks");
    if (!blocks || !blocks->is_array()) return;
    for (std::size_t i = 0; i < blocks->get_array().size(); ++i) {
        const auto& b = blocks->get_array()[i];
        const json::array at = loc({"body", "memory_blocks", static_cast<std::int64_t>(i)});
        if (!b.is_object()) {
            errors.push_back({"model_type", at, "Input should be a valid dictionary or instance of CreateBlock",
                              py_repr(b), "{'class_name': 'CreateBlock'}"});
            continue;
        }
        const std::size_t before = errors.size();
        check_fields(b.get_object(), memory_block_fields, at, errors);
        const auto* value = b.get_object().if_contains("value");
        if (value && !value->is_null() && !value->is_string()) {
            json::array vloc = at;
            vloc.emplace_back("value");
            errors.push_back({"string_type", vloc, "Input should be a valid string", py_repr(*value), {}});
        }
        const auto limit = get_int(b.get_object(), "limit");
        const auto text = get_string(b.get_object(), "value").value_or("");
        if (errors.size() == before && limit && static_cast<std::int64_t>(code_points(text)) > *limit) {
            errors.push_back({"value_error", at,
                              "Value error, Edit failed: Exceeds " + std::to_string(*limit) + " character limit (requested " +
                                  std::to_string(code_points(text)) + ")",
                              py_repr(json::value(b)), {}});
        }
    }
}

// Which relationships a read loads; nullopt = 0.13's TypeError (no User-Agent) → 500.
std::optional<relations> resolve_relations(const letta_state& st, const call& c) {
    const auto explicit_rel = c.tgt.params("include_relationships");
    if (!explicit_rel.empty()) {
        relations r = relations::none();
        for (const auto& v : explicit_rel) {
            r.tools |= v == "tools";
            r.sources |= v == "sources";
            r.memory |= v == "memory";
            r.tags |= v == "tags";
            r.group |= v == "multi_agent_group";
        }
        return r;
    }
    if (c.client == client_kind::no_user_agent && st.options.strict_user_agent) return std::nullopt;
    const auto include = c.tgt.params("include");
    if (!include.empty()) {
        relations r = relations::none();
        for (const auto& v : include) {
            r.tools |= v == "agent.tools";
            r.sources |= v == "agent.sources";
            r.memory |= v == "agent.blocks";
            r.tags |= v == "agent.tags";
            r.group |= v == "agent.managed_group";
        }
        return r;
    }
    if (c.client == client_kind::sdk_v1) return relations::none();
    return relations{};
}

void check_include(const call& c, std::vector<field_error>& errors) {
    const auto include = c.tgt.params("include");
    for (std::size_t i = 0; i < include.size(); ++i) {
        if (std::find(std::begin(include_values), std::end(include_values), include[i]) != std::end(include_values)) {
            continue;
        }
        errors.push_back({"literal_error", loc({"query", "include", static_cast<std::int64_t>(i)}),
                          "Input should be 'agent.blocks', 'agent.identities', 'agent.managed_group', 'agent.secrets', "
                          "'agent.sources', 'agent.tags' or 'agent.tools'",
                          py_repr(include[i]), {}});
    }
}

bool has_tags(const agent_record& a, const std::vector<std::string>& tags, bool all) {
    auto has = [&](const std::string& t) { return std::find(a.tags.begin(), a.tags.end(), t) != a.tags.end(); };
    return all ? std::all_of(tags.begin(), tags.end(), has) : std::any_of(tags.begin(), tags.end(), has);
}

bool before_in_time(const agent_record* x, const agent_record* y) {
    return x->created != y->created ? x->created < y->created : x->id < y->id;
}

// Resolves model/embedding to configs; returns an error response when neither is available.
std::optional<response> resolve_configs(const letta_state& st, const json::object& body, agent_record& a) {
    if (const auto model = get_string(body, "model")) {
        a.llm_config = llm_config_for(*model);
    } else if (const auto* cfg = body.if_contains("llm_config"); cfg && cfg->is_object()) {
        a.llm_config = cfg->get_object();
    } else {
        return detail(status::bad_request, "INVALID_ARGUMENT: Must specify either model or llm_config in request");
    }
    if (const auto embedding = get_string(body, "embedding")) {
        a.embedding_config = embedding_config_for(*embedding);
    } else if (const auto* cfg = body.if_contains("embedding_config"); cfg && cfg->is_object()) {
        a.embedding_config = cfg->get_object();
    } else if (!st.options.default_embedding.empty()) {
        a.embedding_config = embedding_config_for(st.options.default_embedding);
    } else {
        return detail(status::bad_request, "INVALID_ARGUMENT: Must specify either embedding or embedding_config in request");
    }
    return std::nullopt;
}

// Resolves tool_ids and legacy tool names to ids (in that order, distinct).
std::optional<response> resolve_tools(letta_state& st, const json::object& body, std::vector<std::string>& out) {
    std::vector<std::string> missing;
    for (const auto& id : get_strings(body, "tool_ids").value_or(std::vector<std::string>{})) {
        if (!st.find_tool(id)) missing.push_back(id);
        else if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    if (!missing.empty()) return detail(status::bad_request, "Tools not found by id: " + py_set_repr(missing));
    for (const auto& name : get_strings(body, "tools").value_or(std::vector<std::string>{})) {
        const auto* t = st.find_tool_by_name(name);
        if (!t) missing.push_back(name);
        else if (std::find(out.begin(), out.end(), t->id) == out.end()) out.push_back(t->id);
    }
    if (!missing.empty()) return detail(status::bad_request, "Tools not found by name: " + py_set_repr(missing));
    return std::nullopt;
}

std::optional<response> resolve_sources(const letta_state& st, const json::object& body, std::vector<std::string>& out) {
    std::vector<std::string> missing;
    for (const auto& id : get_strings(body, "source_ids").value_or(std::vector<std::string>{})) {
        if (!st.find_folder(id)) missing.push_back(id);
        else if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    if (!missing.empty()) return detail(status::not_found, "Items not found in sources: " + py_set_repr(missing));
    return std::nullopt;
}

std::optional<response> resolve_block_ids(const letta_state& st, const json::object& body, std::vector<std::string>& out) {
    for (const auto& id : get_strings(body, "block_ids").value_or(std::vector<std::string>{})) {
        if (!st.find_block(id)) return detail(status::not_found, "Block with id '" + id + "' not found");
        out.push_back(id);
    }
    return std::nullopt;
}

// Creates the memory_blocks (all of them) and returns their ids in request order.
std::optional<response> create_memory_blocks(letta_state& st, const json::object& body, std::vector<std::string>& out) {
    const auto* blocks = body.if_contains("memory_blocks");
    if (!blocks || !blocks->is_array()) return std::nullopt;
    for (const auto& v : blocks->get_array()) {
        const auto& o = v.get_object();
        const auto value = get_string(o, "value").value_or("");
        const auto limit = get_int(o, "limit").value_or(default_block_limit);
        if (static_cast<std::int64_t>(code_points(value)) > limit) {
            return detail(status::bad_request, "INVALID_ARGUMENT: Value length (" + std::to_string(code_points(value)) +
                                                   " characters) exceeds block limit (" + std::to_string(limit) +
                                                   " characters)");
        }
    }
    for (const auto& v : blocks->get_array()) {
        const auto& o = v.get_object();
        block_record b;
        b.id = st.new_id("block");
        b.label = *get_string(o, "label");
        b.value = get_string(o, "value").value_or("");
        b.limit = get_int(o, "limit").value_or(default_block_limit);
        if (const auto d = get_string(o, "description")) b.description = *d;
        if (const auto* m = o.if_contains("metadata"); m && m->is_object()) b.metadata = *m;
        b.read_only = get_bool(o, "read_only").value_or(false);
        b.created = st.stamp();
        out.push_back(b.id);
        st.blocks.push_back(std::move(b));
    }
    return std::nullopt;
}

// Attaches blocks in order, keeping only the first block of each label (INSERT … ON CONFLICT DO NOTHING).
void attach_distinct_labels(const letta_state& st, agent_record& a, const std::vector<std::string>& ids) {
    std::vector<std::string> labels;
    for (const auto& id : a.block_ids) labels.push_back(st.find_block(id)->label);
    for (const auto& id : ids) {
        const auto* b = st.find_block(id);
        if (std::find(labels.begin(), labels.end(), b->label) != labels.end()) continue;
        labels.push_back(b->label);
        a.block_ids.push_back(id);
    }
}

std::string random_name(letta_state& st) {
    return std::string(adjectives[st.rng() % std::size(adjectives)]) + std::string(nouns[st.rng() % std::size(nouns)]);
}

std::optional<response> validate_agent_body(const json::object& body, std::span<const field_spec> fields, bool create) {
    if (const auto name = get_string(body, "name"); name && !valid_agent_name(*name)) return invalid_name(*name);
    std::vector<field_error> errors;
    check_fields(body, fields, loc({"body"}), errors);
    if (create) check_agent_type(body, errors);
    check_handle(body, "model", errors);
    check_handle(body, "embedding", errors);
    if (create) check_memory_blocks(body, errors);
    if (!errors.empty()) return validation_error(errors);
    return std::nullopt;
}

}  // namespace

response get_health(letta_state&, const call&) {
    return json_response(status::ok, json::object{{"version", version}, {"status", "ok"}});
}

// limit 50 (0 = all), newest first, hidden agents left out, exact `name` (agents.py:74-159; letta-rest-api.md §2.1).
response list_agents(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    bool negative = false;
    const auto q = read_list_query(c, 50, false, errors, negative);
    const bool match_all = query_bool(c, "match_all_tags", errors).value_or(false);
    check_include(c, errors);
    if (!errors.empty()) return validation_error(errors);
    if (negative) return internal_error();
    const auto rel = resolve_relations(st, c);
    if (!rel) return internal_error();

    const auto name = c.last("name");
    const auto tags = c.tgt.params("tags");
    const auto text = c.last("query_text");
    std::vector<const agent_record*> found;
    for (const auto& a : st.agents) {
        if (a.hidden.is_bool() && a.hidden.get_bool()) continue;
        if (name && a.name != *name) continue;
        if (!tags.empty() && !has_tags(a, tags, match_all)) continue;
        if (text && !like_contains(a.name, *text)) continue;
        found.push_back(&a);
    }
    std::sort(found.begin(), found.end(), [&](auto* x, auto* y) { return q.ascending ? before_in_time(x, y) : before_in_time(y, x); });
    // Cursors compare (created_at, id); an unknown cursor id is ignored.
    auto cursor_filter = [&](const std::optional<std::string>& cursor, bool keep_later_in_order) {
        const auto* pivot = cursor ? st.find_agent(*cursor) : nullptr;
        if (!pivot) return;
        std::erase_if(found, [&](const agent_record* a) {
            const bool later = q.ascending ? before_in_time(pivot, a) : before_in_time(a, pivot);
            return a->id == pivot->id || later != keep_later_in_order;
        });
    };
    cursor_filter(q.after, true);
    cursor_filter(q.before, false);
    apply_limit(found, q);
    json::array out;
    for (const auto* a : found) out.push_back(agent_json(st, *a, *rel));
    return json_response(status::ok, out);
}

response create_agent(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    if (auto invalid = validate_agent_body(o, create_fields, true)) return std::move(*invalid);

    agent_record a;
    if (auto e = resolve_configs(st, o, a)) return std::move(*e);
    std::vector<std::string> tool_ids, source_ids, block_ids;
    if (auto e = resolve_tools(st, o, tool_ids)) return std::move(*e);
    if (auto e = resolve_block_ids(st, o, block_ids)) return std::move(*e);
    if (auto e = resolve_sources(st, o, source_ids)) return std::move(*e);
    if (auto e = create_memory_blocks(st, o, block_ids)) return std::move(*e);

    a.id = st.new_id("agent");
    a.name = get_string(o, "name").value_or(random_name(st));
    a.agent_type = get_string(o, "agent_type").value_or("memgpt_v2_agent");
    a.system = get_string(o, "system").value_or("You are a helpful self-improving agent with advanced memory and file "
                                                 "system capabilities.");
    if (const auto d = get_string(o, "description")) a.description = *d;
    if (const auto* m = o.if_contains("metadata"); m && m->is_object()) a.metadata = *m;
    if (const auto tz = get_string(o, "timezone")) a.timezone = *tz;
    if (const auto h = get_bool(o, "hidden")) a.hidden = *h;
    for (auto& tag : get_strings(o, "tags").value_or(std::vector<std::string>{})) {
        if (std::find(a.tags.begin(), a.tags.end(), tag) == a.tags.end()) a.tags.push_back(std::move(tag));
    }
    const bool sleeptime = get_bool(o, "enable_sleeptime").value_or(false);
    a.enable_sleeptime = present(o, "enable_sleeptime") ? json::value(sleeptime) : json::value(nullptr);
    a.tool_ids = tool_ids;
    if (get_bool(o, "include_base_tools").value_or(true)) {
        for (auto name : base_tool_names(a.agent_type, sleeptime)) {
            const std::string id = st.find_tool_by_name(name) ? st.find_tool_by_name(name)->id : std::string();
            if (!id.empty() && std::find(a.tool_ids.begin(), a.tool_ids.end(), id) == a.tool_ids.end()) a.tool_ids.push_back(id);
        }
    }
    attach_distinct_labels(st, a, block_ids);
    a.source_ids = source_ids;
    if (!a.source_ids.empty()) st.add_file_tools(a);
    a.created = a.updated = st.stamp();
    const std::string id = a.id;
    st.agents.push_back(std::move(a));
    if (sleeptime) add_sleeptime_twin(st, id);
    return json_response(status::ok, agent_json(st, *st.find_agent(id)));
}

response count_agents(letta_state& st, const call&) {
    const auto n = std::count_if(st.agents.begin(), st.agents.end(),
                                 [](const agent_record& a) { return !(a.hidden.is_bool() && a.hidden.get_bool()); });
    return json_response(status::ok, static_cast<std::int64_t>(n));
}

response retrieve_agent(letta_state& st, const call& c) {
    std::vector<field_error> errors;
    check_include(c, errors);
    if (!errors.empty()) return validation_error(errors);
    const auto rel = resolve_relations(st, c);
    if (!rel) return internal_error();
    const auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    return json_response(status::ok, agent_json(st, *a, *rel));
}

response modify_agent(letta_state& st, const call& c) {
    auto body = read_object_body(c.req);
    if (body.error) return std::move(*body.error);
    const auto& o = body.object;
    if (auto invalid = validate_agent_body(o, update_fields, false)) return std::move(*invalid);
    auto* a = st.find_agent(c.arg(0));
    if (!a) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");

    std::vector<std::string> tool_ids, source_ids, block_ids;
    if (auto e = resolve_tools(st, o, tool_ids)) return std::move(*e);
    if (auto e = resolve_block_ids(st, o, block_ids)) return std::move(*e);
    if (auto e = resolve_sources(st, o, source_ids)) return std::move(*e);
    if (const auto name = get_string(o, "name")) a->name = *name;
    if (const auto s = get_string(o, "system")) a->system = *s;
    if (o.contains("description")) a->description = get_string(o, "description") ? json::value(*get_string(o, "description")) : json::value(nullptr);
    if (const auto* m = o.if_contains("metadata")) a->metadata = *m;
    if (const auto tz = get_string(o, "timezone")) a->timezone = *tz;
    if (const auto h = get_bool(o, "hidden")) a->hidden = *h;
    if (const auto model = get_string(o, "model")) a->llm_config = llm_config_for(*model);
    if (const auto emb = get_string(o, "embedding")) a->embedding_config = embedding_config_for(*emb);
    if (const auto tags = get_strings(o, "tags")) {
        a->tags.clear();
        for (const auto& t : *tags) {
            if (std::find(a->tags.begin(), a->tags.end(), t) == a->tags.end()) a->tags.push_back(t);
        }
    }
    // tool_ids replaces the whole tool set, base tools included when absent from it (0.16.8
    // services/agent_manager.py update_agent_async: _replace_pivot_rows_async on tools_agents).
    if (present(o, "tool_ids")) a->tool_ids = tool_ids;
    if (present(o, "source_ids")) a->source_ids = source_ids;
    if (present(o, "block_ids")) {
        a->block_ids.clear();
        attach_distinct_labels(st, *a, block_ids);
    }
    a->updated = st.stamp();
    const std::string id = a->id;
    if (get_bool(o, "enable_sleeptime").value_or(false)) add_sleeptime_twin(st, id);
    else if (present(o, "enable_sleeptime")) st.find_agent(id)->enable_sleeptime = false;
    return json_response(status::ok, agent_json(st, *st.find_agent(id)));
}

// 200 {"message":"Agent id=… successfully deleted"}; an unknown id is 404 (agents.py:762-773).
response remove_agent(letta_state& st, const call& c) {
    if (!st.find_agent(c.arg(0))) return detail(status::not_found, "Agent with ID " + c.arg(0) + " not found");
    st.delete_agent(c.arg(0));
    return json_response(status::ok, json::object{{"message", "Agent id=" + c.arg(0) + " successfully deleted"}});
}

}  // namespace hvs::sim::letta
