#pragma once
// `agents list`: every agent bound in the database and how it drifts from what it should hold:
// control tools it lacks (what `tools sync` would attach), tools the control agent lacks that Letta
// does not manage itself (what `tools sync --force` would detach), memory blocks it lacks (the next
// cycle restores them: convergence.hpp) and managed blocks edited in Letta since our last write.
// Comparing is pure; reading asks Letta for the control agent's tools and each bound agent's tools
// and blocks, one call each.

#include "hvs/letta/client.hpp"
#include "hvs/store/agent_repository.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

enum class drift_status {
    ok,                // every control tool, nothing extra
    drift,             // control tools missing, extra tools attached or memory blocks missing
    missing_in_letta,  // the bound agent answers 404
    unreadable,        // its tools could not be read (the error says why)
};
[[nodiscard]] std::string_view to_string(drift_status status);

struct agent_drift {
    std::string project;
    std::string agent_id;
    std::string agent_name;
    drift_status status = drift_status::ok;
    std::vector<std::string> missing;  // control tools the agent lacks, by name
    std::vector<std::string> extra;    // tools the control agent lacks, Letta-managed ones left out
    std::vector<std::string> missing_blocks;  // blocks a PM agent should hold (scratchpad included) it lacks
    std::vector<std::string> edited_blocks;   // managed blocks whose value is not the one last written
    std::string error;                 // for unreadable
};

// Compares by tool id (tool names are unique in Letta, ids are what attach takes).
[[nodiscard]] agent_drift compare_agent_tools(const std::string& project, const store::agent_binding& bound,
                                              const std::vector<letta::tool>& control_tools,
                                              const std::vector<letta::tool>& agent_tools);

struct agent_listing {
    letta::agent control;
    std::vector<letta::tool> control_tools;
    std::vector<agent_drift> agents;  // by project
    std::vector<std::string> notes;

    [[nodiscard]] bool any_unreadable() const;
};

// Adds the block drift (convergence.hpp's compare_agent_blocks against pm_agent_block_labels) to a
// tool comparison; missing blocks make it drift.
void add_block_drift(agent_drift& drift, const std::vector<letta::block>& agent_blocks,
                     const std::map<std::string, std::string>& stored_hashes);

// Block hashes stored per agent (store::load_block_hashes), by agent id.
using stored_block_hashes = std::map<std::string, std::map<std::string, std::string>>;

// Finds the control agent (tool_sync.hpp) and reads its tools and every bound agent's tools and
// blocks (concurrently). An error when the control agent cannot be found or read.
net::task<result<agent_listing>> list_agent_drift(letta::client& letta, std::string control_agent,
                                                  std::map<std::string, store::agent_binding> bindings,
                                                  stored_block_hashes hashes);

// The --json document: {"control_agent":{id,name,tools:[names]},"agents":[{project,agent_name,
// agent_id,status,missing_count,missing:[…],extra_count,extra:[…],missing_blocks_count,
// missing_blocks:[…],scratchpad_missing,edited_blocks:[…],error?}],"notes":[…]}.
[[nodiscard]] boost::json::value to_json(const agent_listing& listing);

}  // namespace hvs::agents
