#pragma once
// Private to the Letta simulator: its records, the state they live in, the parsed request handed
// to each route function, and the helpers the route files share (ids, timestamps, error bodies,
// FastAPI/pydantic-style validation, JSON views of the records).

#include "hvs/sim/http_util.hpp"
#include "hvs/sim/letta_simulator.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::sim::letta {

namespace json = boost::json;

using micros = std::int64_t;  // microseconds since the Unix epoch

inline constexpr std::string_view version = "0.13.0";
inline constexpr std::string_view user_id = "user-00000000-0000-4000-8000-000000000000";
inline constexpr std::string_view org_id = "org-00000000-0000-4000-8000-000000000000";
inline constexpr std::int64_t default_block_limit = 20000;
inline constexpr std::string_view file_tool_names[] = {"open_files", "grep_files", "semantic_search_files"};

// ---------------------------------------------------------------------------------------------
// Records

struct tool_record {
    std::string id;
    std::string name;
    std::string description;
    std::string tool_type = "custom";
    json::value source_code;  // string or null (Letta-managed tools)
    json::array tags;
    micros created = 0;
};

struct block_record {
    std::string id;
    std::string label;
    std::string value;
    std::int64_t limit = default_block_limit;
    json::value description;  // string or null
    json::value metadata = json::object();
    bool read_only = false;
    json::value hidden;        // bool or null
    json::value template_name; // "name" in JSON
    json::value project_id;
    micros created = 0;
};

struct group_record {
    std::string id;
    std::string manager_agent_id;
    std::vector<std::string> agent_ids;
    std::int64_t frequency = 5;
};

struct agent_record {
    std::string id;
    std::string name;
    std::string agent_type = "memgpt_v2_agent";
    std::string system;
    json::value description;
    json::value metadata;
    json::value timezone = "UTC";
    json::value hidden;
    json::object llm_config;
    json::object embedding_config;
    std::vector<std::string> tags;        // distinct, first-seen order
    std::vector<std::string> tool_ids;    // attach order
    std::vector<std::string> block_ids;   // attach order ("last block" = back())
    std::vector<std::string> source_ids;  // attach order
    json::value enable_sleeptime;         // bool or null
    std::optional<group_record> group;    // the sleeptime group this agent manages
    micros created = 0;
    micros updated = 0;
};

struct folder_record {
    std::string id;
    std::string name;
    json::value description;
    json::value instructions;
    json::value metadata;
    json::object embedding_config;
    bool phantom = false;  // deleted behind the API's back: listed, but 404 by id
    micros created = 0;
    micros updated = 0;
};

struct file_record {
    std::string id;
    std::string source_id;
    std::string file_name;           // stored name, "<folder>/<name>" unless replaced
    std::string original_file_name;
    std::string file_type;
    std::string content;
    bool processed = false;          // the first answer says "parsing"; later reads "completed"
    micros created = 0;
    micros updated = 0;
};

// ---------------------------------------------------------------------------------------------
// State

struct letta_state {
    explicit letta_state(letta_options opts);

    letta_options options;
    std::mt19937_64 rng;
    micros last_stamp = 0;
    // Creation order. Deques: appending keeps references to other records valid.
    std::deque<tool_record> tools;
    std::deque<block_record> blocks;
    std::deque<agent_record> agents;
    std::deque<folder_record> folders;
    std::deque<file_record> files;
    unsigned block_attach_locks_answered = 0;  // of options.block_attach_locks

    // A timestamp strictly after every earlier one.
    micros stamp();
    // "<prefix>-<lower-case uuid4>".
    std::string new_id(std::string_view prefix);

    tool_record* find_tool(std::string_view id);
    tool_record* find_tool_by_name(std::string_view name);
    block_record* find_block(std::string_view id);
    agent_record* find_agent(std::string_view id);
    // Live folders only; phantoms are invisible by id.
    folder_record* find_folder(std::string_view id);
    folder_record* find_folder_by_name(std::string_view name);  // phantoms included
    file_record* find_file(std::string_view id);
    const tool_record* find_tool(std::string_view id) const;
    const block_record* find_block(std::string_view id) const;
    const agent_record* find_agent(std::string_view id) const;
    const folder_record* find_folder(std::string_view id) const;

    // Creates the tool if no tool has that name; returns the tool either way.
    tool_record& ensure_tool(std::string_view name, std::string_view tool_type, std::string_view description);
    void seed_base_tools();
    // Attaches (idempotently) / detaches the three folder-managed file tools.
    void add_file_tools(agent_record& agent);
    void remove_file_tools(agent_record& agent);
    // Hard-deletes an agent and, when it manages a sleeptime group, its twin.
    void delete_agent(std::string_view id);
    // Removes a folder from every agent and deletes its files (the folder record itself is kept).
    void forget_folder(std::string_view id);
};

// ---------------------------------------------------------------------------------------------
// The request as a route function sees it.

enum class client_kind { legacy, sdk_v1, no_user_agent };

struct call {
    const request& req;
    const target& tgt;               // decoded path and query
    std::vector<std::string> args;   // path parameters in template order
    client_kind client = client_kind::legacy;

    // The last value of a query parameter (FastAPI reads scalars that way).
    [[nodiscard]] std::optional<std::string> last(std::string_view key) const;
    [[nodiscard]] const std::string& arg(std::size_t i) const { return args[i]; }
};

using route_fn = response (*)(letta_state&, const call&);

// The hosted list cap: limit above this is a 422.
inline constexpr std::int64_t hosted_page_cap = 200;
// The answer the profile or an injected fault gives instead of the route `route_path` (the
// template, spelled with /v1), or nullopt to run the route.
std::optional<response> profile_answer(letta_state& st, std::string_view route_path, const call& c);

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string sanitize_utf8(std::string_view in);          // invalid sequences → U+FFFD
std::size_t code_points(std::string_view utf8);          // Python len()
std::string ascii_lower(std::string_view s);
bool is_valid_id(std::string_view id, std::string_view prefix);
std::string iso_time(micros t);
// SQL `lower(name) LIKE lower('%' || pattern || '%')` with % _ wildcards and \ escapes.
bool like_contains(std::string_view haystack, std::string_view pattern);
// Python's repr() of a str, and of a JSON value seen as the Python object json.loads builds.
std::string py_repr(std::string_view s);
std::string py_repr(const json::value& v);
// repr() of a set/list of strings: "{'a', 'b'}".
std::string py_set_repr(std::span<const std::string> items);

// ---------------------------------------------------------------------------------------------
// Error bodies

response detail(status code, std::string_view message);
response internal_error();                                  // 500 "An internal server error occurred"
response null_response();                                   // 200 `null`

// One entry of pydantic's error list.
struct field_error {
    std::string type;
    json::array loc;            // ("body", "name") / ("query", "limit") / ("path", "agent_id")
    std::string msg;
    std::string input_repr;     // repr() of the offending input
    std::string ctx_repr;       // repr() of ctx, empty = none
};
// 0.13's 422 body; `example` adds "examples":[…] (path-id failures).
response validation_error(const std::vector<field_error>& errors, std::string_view example = {});
json::array loc(std::initializer_list<json::value> items);

// ---------------------------------------------------------------------------------------------
// Request bodies and query parameters, validated the way FastAPI + pydantic v2 (lax mode) do.

enum class kind { string, boolean, integer, object, string_list, list, any };
struct field_spec {
    std::string_view key;
    kind type;
    bool required = false;
};

// The JSON body as a dict, or the 422 FastAPI would answer (invalid JSON, missing, not an object).
struct body_result {
    json::object object;
    std::optional<response> error;
};
body_result read_object_body(const request& req);

// Checks `obj` against `fields`, appending errors located at `where` + key. `forbid_extra` rejects
// keys not in `fields` (pydantic extra="forbid").
void check_fields(const json::object& obj, std::span<const field_spec> fields, const json::array& where,
                  std::vector<field_error>& errors, bool forbid_extra = false);

// Readers for fields that passed check_fields (lax coercions applied); nullopt when absent or null.
std::optional<std::string> get_string(const json::object& obj, std::string_view key);
std::optional<bool> get_bool(const json::object& obj, std::string_view key);
std::optional<std::int64_t> get_int(const json::object& obj, std::string_view key);
std::optional<std::vector<std::string>> get_strings(const json::object& obj, std::string_view key);
bool present(const json::object& obj, std::string_view key);  // present and not null

// Query parameters.
struct list_query {
    std::optional<std::int64_t> limit;  // nullopt: no limit
    bool ascending = false;
    std::optional<std::string> after;
    std::optional<std::string> before;
};
// Reads limit (default `default_limit`; 0 means none), order (default `default_ascending`),
// after, before. Appends 422 errors. A negative limit is reported through `negative`.
list_query read_list_query(const call& c, std::int64_t default_limit, bool default_ascending,
                           std::vector<field_error>& errors, bool& negative);
std::optional<bool> query_bool(const call& c, std::string_view key, std::vector<field_error>& errors);
std::optional<std::int64_t> query_int(const call& c, std::string_view key, std::vector<field_error>& errors);

// Applies limit to an already ordered list of items.
template <typename T>
void apply_limit(std::vector<T>& items, const list_query& q) {
    if (q.limit && static_cast<std::uint64_t>(*q.limit) < items.size()) {
        items.resize(static_cast<std::size_t>(*q.limit));
    }
}

// ---------------------------------------------------------------------------------------------
// JSON views

// Which relationships an AgentState carries (reference §2.1 include_relationships).
struct relations {
    bool tools = true, sources = true, memory = true, tags = true, group = true;
    static relations none() { return {false, false, false, false, false}; }
};

json::object tool_json(const tool_record& t);
json::object block_json(const block_record& b);
json::object group_json(const group_record& g);
json::object folder_json(const folder_record& f);
json::object file_json(const file_record& f, const letta_state& st, bool strip_prefix, bool include_content);
json::object agent_json(const letta_state& st, const agent_record& a, const relations& rel = {});
json::object llm_config_for(std::string_view handle);
json::object embedding_config_for(std::string_view handle, std::optional<std::int64_t> chunk_size = {});

// ---------------------------------------------------------------------------------------------
// Routes (one function each; see letta_simulator_*.cpp)

response get_health(letta_state&, const call&);

response list_agents(letta_state&, const call&);
response create_agent(letta_state&, const call&);
response count_agents(letta_state&, const call&);
response retrieve_agent(letta_state&, const call&);
response modify_agent(letta_state&, const call&);
response remove_agent(letta_state&, const call&);

response list_tools(letta_state&, const call&);
response upsert_tool(letta_state&, const call&);
response count_tools(letta_state&, const call&);
response retrieve_tool(letta_state&, const call&);
response remove_tool(letta_state&, const call&);
response list_agent_tools(letta_state&, const call&);
response attach_tool(letta_state&, const call&);
response detach_tool(letta_state&, const call&);

response list_blocks(letta_state&, const call&);
response create_block(letta_state&, const call&);
response retrieve_block(letta_state&, const call&);
response modify_block(letta_state&, const call&);
response remove_block(letta_state&, const call&);
response agent_core_memory(letta_state&, const call&);
response list_agent_blocks(letta_state&, const call&);
response retrieve_agent_block(letta_state&, const call&);
response modify_agent_block(letta_state&, const call&);
response attach_block(letta_state&, const call&);
response detach_block(letta_state&, const call&);

response list_folders(letta_state&, const call&);
response list_sources(letta_state&, const call&);
response create_folder(letta_state&, const call&);
response count_folders(letta_state&, const call&);
response folder_id_by_name(letta_state&, const call&);
response retrieve_folder(letta_state&, const call&);
response modify_folder(letta_state&, const call&);
response remove_folder(letta_state&, const call&);
response list_folder_files(letta_state&, const call&);
response list_source_files(letta_state&, const call&);
response list_folder_agents(letta_state&, const call&);
response upload_file(letta_state&, const call&);
response remove_file(letta_state&, const call&);
response list_agent_folders(letta_state&, const call&);
response attach_folder(letta_state&, const call&);
response detach_folder(letta_state&, const call&);

// ---------------------------------------------------------------------------------------------
// multipart/form-data (letta_simulator_multipart.cpp)

struct form_part {
    std::string name;
    std::optional<std::string> filename;  // present: an UploadFile
    std::string content_type;
    std::string data;
};
// nullopt: the body is not parseable multipart (FastAPI answers 400). A Content-Type other than
// multipart/form-data yields an empty form, as Starlette's request.form() does.
std::optional<std::vector<form_part>> parse_form(const request& req);
// The upload's media type after Letta's normalisation and extension guessing; empty = unsupported.
std::string supported_media_type(std::string_view part_content_type, std::string_view filename);

// The base tools an agent of this type gets with include_base_tools (reference §2.2).
std::vector<std::string_view> base_tool_names(std::string_view agent_type, bool enable_sleeptime);
// Creates the `<name>-sleeptime` twin of agent `main_id` and the sleeptime group it belongs to.
void add_sleeptime_twin(letta_state& st, const std::string& main_id);
// Creates a folder record (name uniqueness is the caller's business).
folder_record& add_folder(letta_state& st, std::string name, json::object embedding_config);
// Stores an uploaded file as a fresh record and returns it.
file_record& add_file(letta_state& st, const folder_record& folder, std::string file_name,
                      std::string original_name, std::string media_type, std::string content);

}  // namespace hvs::sim::letta
