#pragma once
// Simulator of a self-hosted Letta server, version 0.13.0 (see shared/reference/letta-rest-api.md,
// §10 "Minimal fake-server contract"). Routes live under /v1 (and the undocumented /latest alias);
// collection roots end in '/', and any path that only matches with the trailing slash toggled gets
// 307 with the corrected Location. Served resources:
//   health      GET /v1/health/
//   agents      GET|POST /v1/agents/, GET /v1/agents/count, GET|PATCH|DELETE /v1/agents/{agent_id}
//   agent tools GET /v1/agents/{agent_id}/tools, PATCH …/tools/attach|detach/{tool_id}
//   core memory GET /v1/agents/{agent_id}/core-memory[/blocks], GET|PATCH …/core-memory/blocks/{block_label},
//               PATCH …/core-memory/blocks/attach|detach/{block_id}
//   agent files GET /v1/agents/{agent_id}/folders|sources, PATCH …/folders|sources/attach|detach/{id}
//   blocks      GET|POST /v1/blocks/, GET|PATCH|DELETE /v1/blocks/{block_id}
//   tools       GET|POST|PUT /v1/tools/, GET /v1/tools/count, GET|DELETE /v1/tools/{tool_id}
//   folders     GET|POST /v1/folders/ and /v1/sources/ (one store, one name namespace), …/count,
//               GET …/name/{name}, GET|PATCH|DELETE …/{id}, GET …/{id}/files, GET …/{id}/agents,
//               POST …/{id}/upload (multipart part `file`), DELETE …/{id}/{file_id}
// Errors are {"detail": "<string>"} except 422, which is 0.13's {"trace_id":"","detail":"<Python
// repr of the error list>"[,"examples":[…]]}. Malformed path ids are 422; unknown routes 404
// {"detail":"Not Found"}; a known path with another method 405. IDs are "<prefix>-<uuid4>" from a
// std::mt19937_64 seeded with id_seed; timestamps are ISO-8601 UTC with microseconds (omitted when
// zero, as pydantic prints them) and strictly increase, so creation order is total even under a
// fixed clock. `route_of` returns templates such as "PATCH /v1/agents/{agent_id}/tools/attach/{tool_id}"
// (always spelled with /v1, also for /latest); a request answered with a 307 is "unmatched".
//
// Client flavour (reference §1.4): a request with X-Stainless-Package-Version, or a User-Agent of
// `letta-client/1.*` / `@letta-ai/letta-client/1.*`, is a 1.x client: agent reads load no relationships
// unless include/include_relationships ask, and tool attach/detach answer `null`. With strict_user_agent,
// a request without User-Agent gets 500 on agent list/retrieve (when include_relationships is absent)
// and on tool attach/detach (after applying the change), as 0.13.0 does.
//
// Seed document (`seed`), every key optional:
//   {"tools":[{"name":"huly_query","description":"…"}],
//    "agents":[{"name":"Huly-PM-Control","tags":["…"],"tools":["huly_query",…],
//               "blocks":[{"label":"persona","value":"…","limit":20000?}],
//               "folders":["<folder name>"]?, "agent_type":"letta_v1_agent"?, "model":"letta/letta-free"?,
//               "embedding":"letta/letta-free"?, "enable_sleeptime":false?}],
//    "folders":[{"name":"Huly-X-root","description":"…"?,"files":[{"name":"README.md","content":"…"}]?}]}
// The base tools (conversation_search, memory_insert, memory_replace, send_message,
// archival_memory_insert, archival_memory_search, memory_rethink, memory_finish_edits, open_files,
// grep_files, semantic_search_files) always exist; seeded agents get exactly the tools they list
// (unknown names are an error). `seed` throws std::invalid_argument on a malformed document and then
// leaves the state unchanged. `state()` returns {"agents":[{id,name,agent_type,tags,tools:[names],
// blocks:[{id,label,value,limit}],folders:[ids],sleeptime_agent_id}],"tools":[{id,name,description,
// tool_type}],"blocks":[{id,label,value,limit}],"folders":[{id,name,phantom,files:[{id,file_name,
// original_file_name,file_type,file_size}]}]}.

#include "hvs/sim/simulator.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::sim {

// Which Letta the simulator is. server_0_16_8: the last self-hosted release (list limits without a
// maximum, limit=0 = all, GET /v1/folders/name/{name} answers). hosted: Letta Cloud as of 2026
// (upstreams-2026.md): limit above 200 on a list is 422 (less_than_equal), and
// GET /v1/folders|sources/name/{name} is 404 Not Found.
enum class letta_profile { server_0_16_8, hosted };

struct letta_options {
    letta_profile profile = letta_profile::server_0_16_8;
    // Any profile: POST /v1/agents/ answers 402 (the plan's agent quota) once this many agents exist.
    std::optional<std::size_t> agent_quota;
    // Any profile: the first K block attaches answer 0.16.8's lock 409 with Retry-After: 1.
    unsigned block_attach_locks = 0;
    // Empty: the server runs without --secure (no authentication). Otherwise every request but
    // GET /v1/health[/] needs `Authorization: Bearer <pw>` or `X-BARE-PASSWORD: password <pw>`.
    std::string password;
    // PATCH /v1/agents/{id}/core-memory/blocks/{label} with a label the agent lacks overwrites the
    // agent's last block and answers 200 (the ≤0.16.1 bug); false: 404 as 0.16.2+.
    bool modify_missing_label_overwrites_last_block = true;
    // A request without User-Agent gets 0.13.0's 500 where the server sniffs the SDK version.
    bool strict_user_agent = true;
    // The server's default embedding handle: agent and folder creation without an embedding use it;
    // empty = 400 "Must specify either embedding or embedding_config in request".
    std::string default_embedding = "letta/letta-free";
    // Stamps created_at/updated_at; default: system clock.
    clock_fn clock;
    std::uint64_t id_seed = 1;
};

namespace letta {
struct letta_state;
}

class letta_simulator final : public simulator {
public:
    explicit letta_simulator(letta_options options = {});
    ~letta_simulator() override;
    letta_simulator(const letta_simulator&) = delete;
    letta_simulator& operator=(const letta_simulator&) = delete;

    [[nodiscard]] std::string_view name() const override { return "letta"; }
    [[nodiscard]] std::string route_of(const request& req) const override;
    response handle(const request& req) override;
    void seed(const boost::json::value& document) override;
    [[nodiscard]] boost::json::value state() const override;

    // Switch the profile and the injected faults after construction (tests run one suite on each).
    void set_profile(letta_profile profile);
    void set_agent_quota(std::optional<std::size_t> quota);
    void inject_block_attach_locks(unsigned count);

    // What an operator does outside the REST API.
    // Creates a custom tool (or updates the description of the tool with that name); returns its id.
    std::string add_tool(std::string name, std::string description = "");
    [[nodiscard]] std::optional<std::string> tool_id(std::string_view name) const;
    // The full AgentState (all relationships loaded) as GET /v1/agents/{id} shows it to a legacy client.
    [[nodiscard]] std::optional<boost::json::object> agent(std::string_view id) const;
    // Every agent, sleeptime twins included, in creation order.
    [[nodiscard]] std::vector<boost::json::object> agents() const;
    // Names of the agent's tools in attach order; empty for an unknown agent.
    [[nodiscard]] std::vector<std::string> agent_tool_names(std::string_view id) const;
    // Deletes a folder behind the API's back, leaving a phantom: it is still listed by
    // GET /v1/folders/ and /v1/sources/, found by name and still holds its name (409 on create), but
    // GET, DELETE and attach by id answer 404. Its files are gone and agents no longer show it.
    // False when there is no such (non-phantom) folder.
    bool delete_folder_directly(std::string_view id);
    // Every folder (phantoms included) as GET /v1/folders/{id} shows it, in creation order.
    [[nodiscard]] std::vector<boost::json::object> folders() const;
    // The folder's files as GET /v1/folders/{id}/files?order=asc shows them.
    [[nodiscard]] std::vector<boost::json::object> files_of(std::string_view folder_id) const;

private:
    std::unique_ptr<letta::letta_state> state_;
};

}  // namespace hvs::sim
