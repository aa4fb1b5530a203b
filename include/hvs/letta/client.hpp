#pragma once
// The Letta REST API subset the service uses (reference letta-rest-api.md, server 0.12-0.13):
// typed requests and answers, no policy. Every request carries the password as a bearer token
// and a User-Agent that is not a 1.x SDK's (0.13 answers 500 without one). Collection roots keep
// their trailing slash (without it Letta redirects).

#include "hvs/net/http_client.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hvs::letta {

struct tool {
    std::string id;
    std::string name;
    friend bool operator==(const tool&, const tool&) = default;
};

struct agent {
    std::string id;
    std::string name;
    std::vector<std::string> tags;
    std::vector<tool> tools;
    std::string created_at;
};

struct block {
    std::string id;
    std::string label;
    std::string value;
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

// Decoders, pure so they can be tested and fuzzed on their own.
[[nodiscard]] result<agent> decode_agent(std::string_view body);
[[nodiscard]] result<std::vector<agent>> decode_agents(std::string_view body);
[[nodiscard]] result<std::vector<tool>> decode_tools(std::string_view body);
[[nodiscard]] result<block> decode_block(std::string_view body);
// The request body for an agent_spec (pure, for tests).
[[nodiscard]] std::string encode_agent_spec(const agent_spec& spec);

struct agent_query {
    std::optional<std::string> name;   // exact
    std::vector<std::string> tags;
    bool match_all_tags = false;
    unsigned limit = 1000;
    bool oldest_first = true;          // deterministic choice among duplicates: the oldest
};

class client {
public:
    // `password` goes into the Authorization header only; it never appears in errors or logs.
    client(net::http_client& http, std::string password) : http_(http), password_(std::move(password)) {}

    net::task<result<std::vector<agent>>> list_agents(agent_query query);
    net::task<result<agent>> get_agent(std::string agent_id);
    // Every tool of the agent in one call (the endpoint's default page is 10).
    net::task<result<std::vector<tool>>> agent_tools(std::string agent_id);
    net::task<result<void>> attach_tool(std::string agent_id, std::string tool_id);
    net::task<result<void>> detach_tool(std::string agent_id, std::string tool_id);
    // Tools with exactly this name (Letta upserts tools by name, so at most one is expected).
    net::task<result<std::vector<tool>>> tools_named(std::string name);

    // Not idempotent (names are not unique): after a failure, look the agent up before retrying.
    net::task<result<agent>> create_agent(agent_spec spec);
    // The agent's block with this label; error http_4xx 404 when it has none. (Never modify by
    // label: Letta 0.13 overwrites another block when the label is missing.)
    net::task<result<block>> agent_block(std::string agent_id, std::string label);
    net::task<result<void>> modify_block(std::string block_id, std::string value);
    net::task<result<block>> create_block(new_block spec);
    net::task<result<void>> attach_block(std::string agent_id, std::string block_id);

private:
    net::task<result<net::http_response>> call(net::http::verb verb, std::string target, std::string body,
                                               bool idempotent);
    net::http_client& http_;
    std::string password_;
};

// The v1 base path under a LETTA_BASE_URL given with or without "/v1".
[[nodiscard]] std::string v1_path(const net::base_url& where);

}  // namespace hvs::letta
