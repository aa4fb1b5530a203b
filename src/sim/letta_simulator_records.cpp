// Letta simulator: the state's record keeping (ids, timestamps, lookups, the Letta-managed tools,
// cascades) and the JSON views of every record.

#include "letta_state.hpp"

#include <algorithm>
#include <cstdio>

namespace hvs::sim::letta {
namespace {

struct managed_tool {
    std::string_view name;
    std::string_view type;
    std::string_view description;
};

constexpr managed_tool managed_tools[] = {
    {"send_message", "letta_core", "Sends a message to the human user."},
    {"conversation_search", "letta_core", "Search prior conversation history using hybrid search (text + semantic similarity)."},
    {"archival_memory_insert", "letta_core", "Add information to long-term archival memory for later retrieval."},
    {"archival_memory_search", "letta_core", "Search archival memory using semantic similarity to find relevant information."},
    {"memory_insert", "letta_memory_core", "The memory_insert command allows you to insert text at a specific location in a memory block."},
    {"memory_replace", "letta_memory_core", "The memory_replace command allows you to replace a specific string in a memory block with a new string."},
    {"memory_rethink", "letta_sleeptime_core", "Rewrite memory block for the main agent, new_memory should contain all current information from the block."},
    {"memory_finish_edits", "letta_sleeptime_core", "Call the memory_finish_edits command when you are finished making edits (integrating all new information) into the memory blocks."},
    {"open_files", "letta_files_core", "Open one or more files and load their contents into files section in core memory."},
    {"grep_files", "letta_files_core", "Searches file contents for pattern matches with surrounding context."},
    {"semantic_search_files", "letta_files_core", "Searches file contents using semantic meaning rather than exact matches."},
};

const managed_tool* managed(std::string_view name) {
    for (const auto& t : managed_tools) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

micros now_micros(const clock_fn& clock) {
    const auto now = clock ? clock() : std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
}

template <typename Records>
auto* find_by_id(Records& records, std::string_view id) {
    auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.id == id; });
    return it == records.end() ? nullptr : &*it;
}

std::string model_part(std::string_view handle) {
    const auto slash = handle.find('/');
    return std::string(slash == std::string_view::npos ? handle : handle.substr(slash + 1));
}

std::string provider_part(std::string_view handle) {
    const auto slash = handle.find('/');
    return std::string(slash == std::string_view::npos ? std::string_view("openai") : handle.substr(0, slash));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// State

letta_state::letta_state(letta_options opts) : options(std::move(opts)), rng(options.id_seed) { seed_base_tools(); }

micros letta_state::stamp() {
    last_stamp = std::max(now_micros(options.clock), last_stamp + 1);
    return last_stamp;
}

std::string letta_state::new_id(std::string_view prefix) {
    const std::uint64_t hi = rng(), lo = rng();
    unsigned char b[16];
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
        b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    char out[40];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return std::string(prefix) + "-" + out;
}

tool_record* letta_state::find_tool(std::string_view id) { return find_by_id(tools, id); }
block_record* letta_state::find_block(std::string_view id) { return find_by_id(blocks, id); }
agent_record* letta_state::find_agent(std::string_view id) { return find_by_id(agents, id); }
file_record* letta_state::find_file(std::string_view id) { return find_by_id(files, id); }
const tool_record* letta_state::find_tool(std::string_view id) const { return find_by_id(tools, id); }
const block_record* letta_state::find_block(std::string_view id) const { return find_by_id(blocks, id); }
const agent_record* letta_state::find_agent(std::string_view id) const { return find_by_id(agents, id); }

folder_record* letta_state::find_folder(std::string_view id) {
    auto* f = find_by_id(folders, id);
    return f && !f->phantom ? f : nullptr;
}

const folder_record* letta_state::find_folder(std::string_view id) const {
    const auto* f = find_by_id(folders, id);
    return f && !f->phantom ? f : nullptr;
}

tool_record* letta_state::find_tool_by_name(std::string_view name) {
    auto it = std::find_if(tools.begin(), tools.end(), [&](const tool_record& t) { return t.name == name; });
    return it == tools.end() ? nullptr : &*it;
}

folder_record* letta_state::find_folder_by_name(std::string_view name) {
    auto it = std::find_if(folders.begin(), folders.end(), [&](const folder_record& f) { return f.name == name; });
    return it == folders.end() ? nullptr : &*it;
}

tool_record& letta_state::ensure_tool(std::string_view name, std::string_view tool_type, std::string_view description) {
    if (auto* t = find_tool_by_name(name)) return *t;
    tool_record t;
    t.id = new_id("tool");
    t.name = name;
    t.tool_type = tool_type;
    t.description = description;
    if (tool_type == "custom") {
        t.source_code = "def " + std::string(name) + "():\n    \"\"\"" + std::string(description) + "\"\"\"\n    return None\n";
    }
    t.created = stamp();
    tools.push_back(std::move(t));
    return tools.back();
}

void letta_state::seed_base_tools() {
    for (const auto& t : managed_tools) ensure_tool(t.name, t.type, t.description);
}

void letta_state::add_file_tools(agent_record& agent) {
    for (auto name : file_tool_names) {
        const auto* m = managed(name);
        const std::string id = ensure_tool(name, m->type, m->description).id;
        if (std::find(agent.tool_ids.begin(), agent.tool_ids.end(), id) == agent.tool_ids.end()) {
            agent.tool_ids.push_back(id);
        }
    }
}

void letta_state::remove_file_tools(agent_record& agent) {
    std::erase_if(agent.tool_ids, [&](const std::string& id) {
        const auto* t = find_tool(id);
        return t && std::find(std::begin(file_tool_names), std::end(file_tool_names), t->name) != std::end(file_tool_names);
    });
}

void letta_state::delete_agent(std::string_view id) {
    std::vector<std::string> doomed{std::string(id)};
    if (const auto* a = find_agent(id); a && a->group) {
        doomed.insert(doomed.end(), a->group->agent_ids.begin(), a->group->agent_ids.end());
    }
    std::erase_if(agents, [&](const agent_record& a) {
        return std::find(doomed.begin(), doomed.end(), a.id) != doomed.end();
    });
    for (auto& a : agents) {
        if (a.group) std::erase(a.group->agent_ids, std::string(id));
    }
}

void letta_state::forget_folder(std::string_view id) {
    for (auto& a : agents) std::erase(a.source_ids, std::string(id));
    std::erase_if(files, [&](const file_record& f) { return f.source_id == id; });
}

std::vector<std::string_view> base_tool_names(std::string_view agent_type, bool enable_sleeptime) {
    if (agent_type == "sleeptime_agent") return {"memory_replace", "memory_insert", "memory_rethink", "memory_finish_edits"};
    if (agent_type == "letta_v1_agent") return {"conversation_search", "memory_insert", "memory_replace"};
    if (enable_sleeptime) return {"send_message", "conversation_search", "archival_memory_search"};
    return {"send_message", "conversation_search", "archival_memory_insert", "archival_memory_search", "memory_insert",
            "memory_replace"};
}

void add_sleeptime_twin(letta_state& st, const std::string& main_id) {
    const auto* main = st.find_agent(main_id);
    if (!main || main->group) return;
    agent_record twin;
    twin.id = st.new_id("agent");
    twin.name = main->name + "-sleeptime";
    twin.agent_type = "sleeptime_agent";
    twin.system = "You are a sleeptime agent: you reorganise the memory of the primary agent.";
    twin.llm_config = main->llm_config;
    twin.embedding_config = main->embedding_config;
    twin.block_ids = main->block_ids;
    for (auto name : base_tool_names("sleeptime_agent", false)) {
        const auto* m = managed(name);
        twin.tool_ids.push_back(st.ensure_tool(name, m->type, m->description).id);
    }
    twin.created = twin.updated = st.stamp();
    group_record group{st.new_id("group"), main_id, {twin.id}, 5};
    st.agents.push_back(std::move(twin));
    auto* manager = st.find_agent(main_id);
    manager->group = std::move(group);
    manager->enable_sleeptime = true;
}

folder_record& add_folder(letta_state& st, std::string name, json::object embedding_config) {
    folder_record f;
    f.id = st.new_id("source");
    f.name = std::move(name);
    f.embedding_config = std::move(embedding_config);
    f.created = f.updated = st.stamp();
    st.folders.push_back(std::move(f));
    return st.folders.back();
}

file_record& add_file(letta_state& st, const folder_record& folder, std::string file_name, std::string original_name,
                      std::string media_type, std::string content) {
    file_record f;
    f.id = st.new_id("file");
    f.source_id = folder.id;
    f.file_name = std::move(file_name);
    f.original_file_name = std::move(original_name);
    f.file_type = std::move(media_type);
    f.content = std::move(content);
    f.created = f.updated = st.stamp();
    st.files.push_back(std::move(f));
    return st.files.back();
}

// ---------------------------------------------------------------------------------------------
// JSON views

json::object tool_json(const tool_record& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"tool_type", t.tool_type},
            {"description", t.description},
            {"source_type", "python"},
            {"source_code", t.source_code},
            {"json_schema",
             {{"name", t.name},
              {"description", t.description},
              {"parameters", {{"type", "object"}, {"properties", json::object()}, {"required", json::array()}}}}},
            {"args_json_schema", nullptr},
            {"tags", t.tags},
            {"return_char_limit", 50000},
            {"pip_requirements", nullptr},
            {"npm_requirements", nullptr},
            {"default_requires_approval", nullptr},
            {"enable_parallel_execution", false},
            {"created_by_id", user_id},
            {"last_updated_by_id", user_id},
            {"metadata_", json::object()}};
}

json::object block_json(const block_record& b) {
    return {{"id", b.id},
            {"label", b.label},
            {"value", b.value},
            {"limit", b.limit},
            {"description", b.description},
            {"metadata", b.metadata},
            {"read_only", b.read_only},
            {"hidden", b.hidden},
            {"is_template", false},
            {"name", b.template_name},
            {"project_id", b.project_id},
            {"base_template_id", nullptr},
            {"deployment_id", nullptr},
            {"entity_id", nullptr},
            {"preserve_on_migration", false},
            {"created_by_id", user_id},
            {"last_updated_by_id", user_id}};
}

json::object group_json(const group_record& g) {
    json::array ids;
    for (const auto& id : g.agent_ids) ids.emplace_back(id);
    return {{"id", g.id},
            {"manager_type", "sleeptime"},
            {"agent_ids", std::move(ids)},
            {"description", ""},
            {"project_id", nullptr},
            {"template_id", nullptr},
            {"base_template_id", nullptr},
            {"deployment_id", nullptr},
            {"shared_block_ids", json::array()},
            {"manager_agent_id", g.manager_agent_id},
            {"termination_token", nullptr},
            {"max_turns", nullptr},
            {"sleeptime_agent_frequency", g.frequency},
            {"turns_counter", 0},
            {"last_processed_message_id", nullptr},
            {"max_message_buffer_length", nullptr},
            {"min_message_buffer_length", nullptr},
            {"hidden", nullptr}};
}

json::object folder_json(const folder_record& f) {
    return {{"id", f.id},
            {"name", f.name},
            {"description", f.description},
            {"instructions", f.instructions},
            {"metadata", f.metadata},
            {"embedding_config", f.embedding_config},
            {"organization_id", org_id},
            {"vector_db_provider", "native"},
            {"created_by_id", user_id},
            {"last_updated_by_id", user_id},
            {"created_at", iso_time(f.created)},
            {"updated_at", iso_time(f.updated)}};
}

json::object file_json(const file_record& f, const letta_state& st, bool strip_prefix, bool include_content) {
    std::string name = f.file_name;
    if (strip_prefix) {
        const auto it = std::find_if(st.folders.begin(), st.folders.end(),
                                     [&](const folder_record& r) { return r.id == f.source_id; });
        if (it != st.folders.end() && name.rfind(it->name + "/", 0) == 0) name.erase(0, it->name.size() + 1);
    }
    const auto chunks = static_cast<std::int64_t>(1 + f.content.size() / 1200);
    json::value n_chunks = f.processed ? json::value(chunks) : json::value(nullptr);
    return {{"id", f.id},
            {"source_id", f.source_id},
            {"file_name", std::move(name)},
            {"original_file_name", f.original_file_name},
            {"file_path", nullptr},
            {"file_type", f.file_type},
            {"file_size", f.content.size()},
            {"file_creation_date", nullptr},
            {"file_last_modified_date", nullptr},
            {"processing_status", f.processed ? "completed" : "parsing"},
            {"error_message", nullptr},
            {"total_chunks", n_chunks},
            {"chunks_embedded", n_chunks},
            {"content", include_content ? json::value(sanitize_utf8(f.content)) : json::value(nullptr)},
            {"organization_id", org_id},
            {"created_at", iso_time(f.created)},
            {"updated_at", iso_time(f.updated)}};
}

json::object llm_config_for(std::string_view handle) {
    const std::string provider = provider_part(handle);
    const bool letta = provider == "letta";
    json::value endpoint = nullptr;
    if (letta) endpoint = "https://inference.letta.com";
    else if (provider == "openai") endpoint = "https://api.openai.com/v1";
    else if (provider == "anthropic") endpoint = "https://api.anthropic.com/v1";
    return {{"model", model_part(handle)},
            {"model_endpoint_type", letta ? std::string("openai") : provider},
            {"model_endpoint", endpoint},
            {"provider_name", provider},
            {"provider_category", "base"},
            {"model_wrapper", nullptr},
            {"context_window", letta ? 8192 : 32000},
            {"put_inner_thoughts_in_kwargs", false},
            {"handle", handle},
            {"temperature", 0.7},
            {"max_tokens", 4096},
            {"enable_reasoner", true},
            {"reasoning_effort", nullptr},
            {"max_reasoning_tokens", 0},
            {"frequency_penalty", nullptr},
            {"compatibility_type", nullptr},
            {"verbosity", nullptr},
            {"tier", nullptr},
            {"parallel_tool_calls", false}};
}

json::object embedding_config_for(std::string_view handle, std::optional<std::int64_t> chunk_size) {
    const std::string provider = provider_part(handle);
    const bool letta = provider == "letta";
    json::value endpoint = nullptr;
    if (letta) endpoint = "https://embeddings.letta.com/";
    else if (provider == "openai") endpoint = "https://api.openai.com/v1";
    return {{"embedding_endpoint_type", letta ? std::string("hugging-face") : provider},
            {"embedding_endpoint", endpoint},
            {"embedding_model", model_part(handle)},
            {"embedding_dim", letta ? 1024 : 1536},
            {"embedding_chunk_size", chunk_size.value_or(300)},
            {"handle", handle},
            {"batch_size", 32},
            {"azure_endpoint", nullptr},
            {"azure_version", nullptr},
            {"azure_deployment", nullptr}};
}

json::object agent_json(const letta_state& st, const agent_record& a, const relations& rel) {
    json::array tools, blocks, sources, tags;
    if (rel.tools) {
        for (const auto& id : a.tool_ids) {
            if (const auto* t = st.find_tool(id)) tools.push_back(tool_json(*t));
        }
    }
    if (rel.memory) {
        for (const auto& id : a.block_ids) {
            if (const auto* b = st.find_block(id)) blocks.push_back(block_json(*b));
        }
    }
    if (rel.sources) {
        for (const auto& id : a.source_ids) {
            if (const auto* f = st.find_folder(id)) sources.push_back(folder_json(*f));
        }
    }
    if (rel.tags) {
        for (const auto& t : a.tags) tags.emplace_back(t);
    }
    const json::value group = rel.group && a.group ? json::value(group_json(*a.group)) : json::value(nullptr);
    return {{"created_by_id", user_id},
            {"last_updated_by_id", user_id},
            {"created_at", iso_time(a.created)},
            {"updated_at", iso_time(a.updated)},
            {"id", a.id},
            {"name", a.name},
            {"tool_rules", json::array()},
            {"message_ids", json::array()},
            {"system", a.system},
            {"agent_type", a.agent_type},
            {"llm_config", a.llm_config},
            {"embedding_config", a.embedding_config},
            {"response_format", nullptr},
            {"description", a.description},
            {"metadata", a.metadata},
            {"memory",
             {{"agent_type", a.agent_type},
              {"blocks", blocks},
              {"file_blocks", json::array()},
              {"prompt_template", ""}}},
            {"blocks", blocks},
            {"tools", std::move(tools)},
            {"sources", std::move(sources)},
            {"tags", std::move(tags)},
            {"tool_exec_environment_variables", json::array()},
            {"secrets", json::array()},
            {"project_id", nullptr},
            {"template_id", nullptr},
            {"base_template_id", nullptr},
            {"deployment_id", nullptr},
            {"entity_id", nullptr},
            {"identity_ids", json::array()},
            {"identities", json::array()},
            {"message_buffer_autoclear", false},
            {"enable_sleeptime", a.enable_sleeptime},
            {"multi_agent_group", group},
            {"managed_group", group},
            {"last_run_completion", nullptr},
            {"last_run_duration_ms", nullptr},
            {"last_stop_reason", nullptr},
            {"timezone", a.timezone},
            {"max_files_open", 5},
            {"per_file_view_window_char_limit", 15000},
            {"hidden", a.hidden}};
}

}  // namespace hvs::sim::letta
