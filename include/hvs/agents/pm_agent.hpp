#pragma once
// One PM agent per project: found through its stored binding (checked to exist and to carry the
// project's tag), else looked up by exact name and tags (oldest of duplicates, never one bound to
// another project, never the control agent or a -sleeptime twin), else created in one request
// carrying its tags, the control agent's tools and its memory blocks. Then its tools and memory
// blocks are brought up to date, each block written only when its hash changed.

#include "hvs/agents/memory_blocks.hpp"
#include "hvs/core/log.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/store/db_worker.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hvs::agents {

struct letta_settings {
    std::string control_agent = "Huly-PM-Control";
    std::vector<std::string> control_tool_names;  // given to a newly created control agent
    std::string model = "anthropic/sonnet-4-5";
    std::string embedding = "letta/letta-free";
    std::string human_block_id;                    // shared block attached to new agents; empty = none
    bool sync_tools = true;                        // LETTA_SYNC_TOOLS_FROM_CONTROL (additive in the cycle)
    sync::huly_status_names status_names;
};

struct control_agent {
    std::string id;
    std::vector<letta::tool> tools;
    std::optional<std::string> persona;
};

struct agent_context {
    letta::client& letta;
    store::db_worker& db;
    letta_settings settings;
    log::logger log;
};

// "Huly - <name>", with every character Letta refuses in agent names replaced by '-'.
[[nodiscard]] std::string pm_agent_name(std::string_view project_name);

// Finds the control agent (the oldest of that name) or creates it with a persona and the tools
// named in the settings; reads its tools and persona. Run once per cycle.
net::task<result<control_agent>> ensure_control_agent(agent_context& ctx);

struct agent_outcome {
    bool ok = false;
    std::string error;                      // why the project is degraded (never a secret)
    std::string agent_id;
    bool created = false;
    unsigned tools_attached = 0;
    unsigned blocks_written = 0;
    std::vector<std::string> duplicates;    // other agents that matched the lookup
};

net::task<agent_outcome> sync_pm_agent(agent_context& ctx, project_facts project, std::vector<sync::link> links,
                                       std::vector<sync::link> previous_links, control_agent control);

}  // namespace hvs::agents
