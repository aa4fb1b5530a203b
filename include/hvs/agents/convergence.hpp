#pragma once
// A PM agent converging on what Letta really holds. Each cycle reads the agent once, its tools and
// memory blocks together (letta::client::agent_with_memory), and plans here, purely, what to write:
// - a managed block (memory_blocks.hpp) is rewritten, by block id, when its content changed since
//   the hash stored at the last write (the standing rule: an edit made in Letta stays until the
//   content changes); it is re-created and attached when Letta no longer holds a block with its
//   label; when Letta already holds exactly the wanted value only the stored hash moves;
// - the blocks the agent owns (persona, scratchpad) are created when absent, never overwritten;
// - with tool sync on, the control agent's tools the agent lacks are attached; in force mode the
//   agent's tool set becomes exactly the control's plus the Letta-managed tools it holds
//   (tool_sync.hpp's plan and is_letta_managed_tool), written in one agent update.
// When Letta holds what is wanted the plan writes nothing.

#include "hvs/agents/memory_blocks.hpp"
#include "hvs/agents/tool_sync.hpp"
#include "hvs/letta/client.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hvs::agents {

struct block_drift {
    std::vector<std::string> missing;  // wanted labels the agent does not hold, in the wanted order
    std::vector<std::string> edited;   // held blocks whose value is not the one we last wrote
};

// `stored_hashes`: label -> core::content_hash of the value last written (store/agent_repository.hpp).
[[nodiscard]] block_drift compare_agent_blocks(const std::vector<std::string>& wanted_labels,
                                               const std::vector<letta::block>& held,
                                               const std::map<std::string, std::string>& stored_hashes);

struct agent_wants {
    std::vector<memory_block> managed;     // rewritten when their content changes
    std::vector<letta::new_block> owned;   // created when absent, the agent's afterwards
    std::vector<letta::tool> control_tools;
    bool sync_tools = true;                // LETTA_SYNC_TOOLS_FROM_CONTROL
    bool force_tools = false;              // LETTA_SYNC_TOOLS_FORCE
};

struct block_write {
    memory_block block;
    std::string block_id;  // the held block to modify; empty: Letta lacks it, create and attach
};

struct convergence_plan {
    std::vector<block_write> block_writes;
    std::vector<memory_block> confirmed;         // Letta holds the wanted value: store the hash only
    std::vector<letta::new_block> owned_to_create;
    block_drift blocks;
    agent_tool_plan tools;                       // attach (and, in force mode, detach)
    // Force mode with something to change: the agent's whole new tool set, by id.
    std::optional<std::vector<std::string>> tool_set;

    // Missing blocks, tools to attach and (force mode) tools to detach.
    [[nodiscard]] unsigned drift_found() const;
};

// An error (invalid) only in force mode with a control agent that has no tools (plan_tool_sync).
[[nodiscard]] result<convergence_plan> plan_convergence(const agent_wants& wants, const letta::agent& held,
                                                        const std::map<std::string, std::string>& stored_hashes);

}  // namespace hvs::agents
