#pragma once
// The Letta REST API subset the service uses (reference letta-rest-api.md, server 0.12-0.13):
// typed requests and answers, no policy. Every request carries the password as a bearer token
// and a User-Agent that is not a 1.x SDK's (0.13 answers 500 without one). Collection roots keep
// their trailing slash (without it Letta redirects).

#include "hvs/net/http_client.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hvs::letta {

struct tool {
    std::string id;
    std::string name;
    friend bool operator==(const tool&, const tool&) = default;
};

struct block {
    std::string id;
    std::string label;
    std::string value;
};

struct agent {
    std::string id;
    std::string name;
    std::vector<std::string> tags;
    std::vector<tool> tools;
    std::string created_at;
    std::vector<std::string> folder_ids;  // only when the read asked for sources
    std::vector<block> blocks;            // core-memory blocks, only when the read asked for memory
};

struct new_block {
    std::string label;
    std::string value;
    unsigned limit = 60'000;  // above the 50,000 characters the service writes at most
};

// What POST /v1/agents/ receives: tags, tools and blocks in the one request.
struct agent_spec {
    std::string name;
    std::string model;
    std::string embedding;
    std::vector<std::string> tags;
    std::vector<std::string> tool_ids;
    std::vector<new_block> memory_blocks;
    std::vector<std::string> block_ids;  // existing blocks to attach (the shared human block)
};

// A folder (the same entity as a "source"; ids are "source-…"). Names are unique per organisation
// across folders and sources alike.
struct folder {
    std::string id;
    std::string name;
};

// A file inside a folder. Keyed on original_file_name: file_name may carry a "<folder>/" prefix.
struct file_info {
    std::string id;
    std::string original_file_name;
    std::string processing_status;  // pending | parsing | embedding | completed | error ("" if absent)
};

// One file to upload. Content above max_upload_bytes is refused before anything is sent.
struct upload {
    std::string file_name;                   // becomes original_file_name: no '/', no leading '.'
    std::string content;
    std::string content_type = "text/plain"; // must be a type Letta accepts (else it guesses from the name)
};
inline constexpr std::size_t max_upload_bytes = 1024 * 1024;

// Decoders, pure so they can be tested and fuzzed on their own.
[[nodiscard]] result<agent> decode_agent(std::string_view body);
[[nodiscard]] result<std::vector<agent>> decode_agents(std::string_view body);
[[nodiscard]] result<std::vector<tool>> decode_tools(std::string_view body);
[[nodiscard]] result<block> decode_block(std::string_view body);
[[nodiscard]] result<std::vector<block>> decode_blocks(std::string_view body);
[[nodiscard]] result<folder> decode_folder(std::string_view body);
[[nodiscard]] result<std::vector<folder>> decode_folders(std::string_view body);
[[nodiscard]] result<file_info> decode_file(std::string_view body);
[[nodiscard]] result<std::vector<file_info>> decode_files(std::string_view body);
// The server version GET /v1/health/ reports ({"version":"0.16.8","status":"ok"}, 0.16.8 health.py).
[[nodiscard]] result<std::string> decode_health_version(std::string_view body);
// The request body for an agent_spec (pure, for tests).
[[nodiscard]] std::string encode_agent_spec(const agent_spec& spec);
// PATCH /v1/agents/{id} body that sets the tags and nothing else.
[[nodiscard]] std::string encode_agent_tags(const std::vector<std::string>& tags);
// PATCH /v1/agents/{id} body that replaces the agent's whole tool set and nothing else.
[[nodiscard]] std::string encode_agent_tool_ids(const std::vector<std::string>& tool_ids);
// POST /v1/folders/ body: SourceCreate forbids unknown fields, so only name and embedding.
[[nodiscard]] std::string encode_folder_spec(const std::string& name, const std::string& embedding);
// A boundary that occurs nowhere in `content` (deterministic, so tests can predict it).
[[nodiscard]] std::string multipart_boundary(std::string_view content);
// The multipart/form-data body with the one part `file` Letta reads. The filename is quoted with
// '"', '\\', CR and LF replaced by '_' (they would end the header).
[[nodiscard]] std::string encode_upload(const upload& file, std::string_view boundary);

// Every list is read this many at a time with the `after` cursor until a short page: 0.16.8 has no
// maximum (and limit=0 means all) but hosted Letta answers 422 above 200 (upstreams-2026.md).
inline constexpr unsigned list_page_size = 100;
// A 409 with Retry-After is a database lock or deadlock since 0.16.5 (letta-ai/letta 0.16.8
// letta/server/rest_api/app.py, the DatabaseLockTimeoutError/DatabaseDeadlockError handlers): the
// request is repeated after the wait, at most this many times in all.
inline constexpr unsigned lock_attempts = 4;

struct agent_query {
    std::optional<std::string> name;   // exact
    std::vector<std::string> tags;
    bool match_all_tags = false;
    bool oldest_first = true;          // deterministic choice among duplicates: the oldest
};

class client {
public:
    // `password` goes into the Authorization header only; it never appears in errors or logs.
    client(net::http_client& http, std::string password) : http_(http), password_(std::move(password)) {}

    net::task<result<std::vector<agent>>> list_agents(agent_query query);
    // GET /v1/agents/?limit=1: one cheap authenticated request that shows whether Letta takes the
    // password (a 401/403 is an http_4xx error with that status), for `check`.
    net::task<result<void>> probe_agents_list();
    net::task<result<agent>> get_agent(std::string agent_id);
    // The agent with its tags, tools and core-memory blocks in one read (GET /v1/agents/{id} with
    // include_relationships=memory and include=agent.blocks: 0.16.8 letta/orm/agent.py
    // to_pydantic_async loads core_memory for either). An answer without a "blocks" array is a
    // protocol error, never an agent without blocks.
    net::task<result<agent>> agent_with_memory(std::string agent_id);
    // Replaces the agent's tags (PATCH /v1/agents/{id} with {"tags": [...]}); idempotent.
    net::task<result<void>> set_agent_tags(std::string agent_id, std::vector<std::string> tags);
    // Every tool of the agent, read from the agent itself: GET /v1/agents/{id}/tools cannot be paged
    // (0.16.8 agent_manager.list_attached_tools_async orders by created_at but its `after` compares ids).
    net::task<result<std::vector<tool>>> agent_tools(std::string agent_id);
    net::task<result<void>> attach_tool(std::string agent_id, std::string tool_id);
    net::task<result<void>> detach_tool(std::string agent_id, std::string tool_id);
    // Replaces the agent's tool set with exactly these tools in one request (PATCH /v1/agents/{id}
    // {"tool_ids": [...]}: 0.16.8 schemas/agent.py UpdateAgent.tool_ids, applied by
    // services/agent_manager.py update_agent_async, which replaces the tools_agents rows). Idempotent.
    net::task<result<void>> set_agent_tools(std::string agent_id, std::vector<std::string> tool_ids);
    // Tools with exactly this name (Letta upserts tools by name, so at most one is expected).
    net::task<result<std::vector<tool>>> tools_named(std::string name);

    // Not idempotent (names are not unique): after a failure, look the agent up before retrying.
    // 402 (the plan's agent quota, hosted Letta) is an http_4xx error with http_status 402 whose
    // message says so; it is not retried.
    net::task<result<agent>> create_agent(agent_spec spec);
    // Hard delete (Letta also deletes the agent's -sleeptime twin). A missing agent is an error
    // with http_status 404; callers decide.
    net::task<result<void>> delete_agent(std::string agent_id);
    // The agent's block with this label; error http_4xx 404 when it has none. (Never modify by
    // label: Letta 0.13 overwrites another block when the label is missing.)
    net::task<result<block>> agent_block(std::string agent_id, std::string label);
    net::task<result<void>> modify_block(std::string block_id, std::string value);
    net::task<result<block>> create_block(new_block spec);
    // A 409 with Retry-After (a lock) is retried; a 409 without it may mean "already attached" and
    // is accepted only when the agent's blocks then show this block.
    net::task<result<void>> attach_block(std::string agent_id, std::string block_id);
    // Every core-memory block of the agent (GET /v1/agents/{id}/core-memory/blocks, paged).
    net::task<result<std::vector<block>>> agent_blocks(std::string agent_id);

    // Every folder, oldest first (/v1/sources/ cannot page at all).
    net::task<result<std::vector<folder>>> all_folders();
    // The id of the folder with exactly this name, or none: GET /v1/folders/?name= (a case-insensitive
    // substring filter, 0.16.8 folders.py list_folders) paged, matched exactly here. The deprecated
    // /v1/folders/name/{name} route is not used (gone from SDK 1.x and hosted Letta).
    net::task<result<std::optional<std::string>>> folder_id_by_name(std::string name);
    // An existing name (folders and sources share one namespace) fails with http_status 409: look
    // the folder up by name again. Not repeated after a timeout (the next lookup finds it).
    net::task<result<folder>> create_folder(std::string name, std::string embedding);
    // Idempotent on the server; a missing folder is a 404 error.
    net::task<result<void>> attach_folder(std::string agent_id, std::string folder_id);
    // The ids of the folders attached to the agent, read from the agent (sources relationship):
    // GET /v1/agents/{id}/folders cannot be paged (0.16.8 list_attached_sources_async orders by
    // created_at but its `after` compares ids).
    net::task<result<std::vector<std::string>>> agent_folder_ids(std::string agent_id);
    // Every file of the folder.
    net::task<result<std::vector<file_info>>> folder_files(std::string folder_id);
    // Uploads with duplicate_handling=replace: a file of the same name is replaced (new file id).
    // Content above max_upload_bytes is an `invalid` error and nothing is sent.
    net::task<result<file_info>> upload_file(std::string folder_id, upload file);
    // 404 (already gone) comes back as an error with http_status 404; callers decide.
    net::task<result<void>> delete_file(std::string folder_id, std::string file_id);
    net::task<result<void>> delete_folder(std::string folder_id);

private:
    // Reads every page of a list: `target_of(after)` builds the request for the page after that id
    // (none: the first page, limit list_page_size). An id seen twice is a protocol error, never a loop.
    template <class Item>
    net::task<result<std::vector<Item>>> every_page(std::function<std::string(const std::optional<std::string>&)> target_of,
                                                    result<std::vector<Item>> (*decode)(std::string_view),
                                                    std::string what);
    // PATCH /v1/agents/{id} with `body` (an UpdateAgent carrying only the fields to change).
    net::task<result<void>> update_agent(std::string agent_id, std::string body);
    // One request; a 409 with Retry-After is repeated after the wait (lock_attempts in all).
    net::task<result<net::http_response>> call(net::http::verb verb, std::string target, std::string body,
                                               bool idempotent, std::string content_type = "application/json");
    net::http_client& http_;
    std::string password_;
};

// The v1 base path under a LETTA_BASE_URL given with or without "/v1".
[[nodiscard]] std::string v1_path(const net::base_url& where);

}  // namespace hvs::letta
