#pragma once
// One PM agent per project: found through its stored binding (checked to exist and to carry the
// project's tag; a bound agent with no project tag at all, as imported from the original service,
// is given the tags), else looked up by exact name and tags (oldest of duplicates, never one bound to
// another project, never the control agent or a -sleeptime twin), else created in one request
// carrying its tags, the control agent's tools and its memory blocks. An existing agent is read once
// (tools and blocks) and converged on what it should hold (convergence.hpp): blocks written when
// their content changed, blocks Letta lost restored, persona and scratchpad created when absent,
// control tools attached (force mode: the exact tool set). Then its repository documents are
// uploaded when they changed (repo_docs.hpp).

#include "hvs/agents/memory_blocks.hpp"
#include "hvs/core/blocking_pool.hpp"
#include "hvs/core/log.hpp"
#include "hvs/letta/client.hpp"
#include "hvs/store/fenced_db.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

struct letta_settings {
    std::string control_agent = "Huly-PM-Control";
    std::vector<std::string> control_tool_names;  // given to a newly created control agent
    std::string model = "anthropic/sonnet-4-5";
    std::string embedding = "letta/letta-free";
    std::string human_block_id;                    // shared block attached to new agents; empty = none
    bool sync_tools = true;                        // LETTA_SYNC_TOOLS_FROM_CONTROL
    bool force_tools = false;                      // LETTA_SYNC_TOOLS_FORCE: also detach what the control lacks
    bool sync_persona = false;                     // LETTA_SYNC_PERSONA: existing agents keep the control's persona
    bool attach_repo_docs = false;                 // LETTA_ATTACH_REPO_DOCS: README.md into Huly-<ID>
    bool upload_project_files = false;             // LETTA_UPLOAD_PROJECT_FILES: tracked files into Huly-<ID>-root
    unsigned max_files = 50;                       // LETTA_MAX_FILES
    std::vector<std::string> allowed_repo_roots;   // repositories read or written only under these
    sync::huly_status_names status_names;
};

struct control_agent {
    std::string id;
    std::vector<letta::tool> tools;
    std::optional<std::string> persona;
    // Every agent tagged huly-vibe-sync, by its project:<ID> tag, oldest first (control and
    // -sleeptime agents left out): read in one call per cycle instead of one look-up per project.
    std::map<std::string, std::vector<letta::agent>> agents_by_project;
    // Set by the first 402 on agent create in this cycle (the plan's agent quota): shared by the
    // copies every project gets, so no later project asks for an agent again until the next cycle.
    std::shared_ptr<std::string> quota_refusal = std::make_shared<std::string>();
};

struct agent_context {
    letta::client& letta;
    store::fenced_db db;
    core::blocking_pool& blocking;  // git runs and repository file reads (never the database thread)
    letta_settings settings;
    log::logger log;
};

// "Huly - <name>", with every character Letta refuses in agent names replaced by '-'.
[[nodiscard]] std::string pm_agent_name(std::string_view project_name);

// Finds the control agent (the oldest of that name) or creates it with a persona and the tools
// named in the settings; reads its tools and persona, and lists the tagged PM agents. Run once
// per cycle, before any project task. `may_write` false (another replica holds the control lease):
// neither creates the control agent nor records its id; error_kind::unavailable while there is none.
net::task<result<control_agent>> ensure_control_agent(agent_context& ctx, bool may_write = true);

struct agent_outcome {
    bool ok = false;
    std::string error;                      // why the project is degraded (never a secret)
    std::string agent_id;
    bool created = false;
    unsigned tools_attached = 0;
    unsigned blocks_written = 0;
    unsigned files_uploaded = 0;            // README and project files sent to Letta this cycle
    unsigned tools_detached = 0;            // tools the control agent lacks, detached in force mode
    unsigned drift_found = 0;               // blocks and tools Letta lacked (or, force mode, tools it had extra)
    unsigned drift_repaired = 0;            // of those, restored (or detached) by a write that succeeded
    std::vector<std::string> duplicates;    // other agents that matched the lookup
};

// One count of an agent_outcome: its name in every report (the log line, the history, once's
// output) and the /metrics series it adds to. A new count is added to agent_counts only.
struct agent_count {
    std::string_view name;    // e.g. tools_attached
    std::string_view metric;  // hvs_letta_writes_total or hvs_agent_drift_total
    std::string_view label;   // the series' label there, e.g. kind="tool_attached"
    unsigned value = 0;
};

// Every count of `o`, always the same ones in the same order (a default outcome lists them at zero),
// the counts of one metric next to each other.
[[nodiscard]] inline std::vector<agent_count> agent_counts(const agent_outcome& o) {
    return {{"created", "hvs_letta_writes_total", "kind=\"agent_created\"", o.created ? 1u : 0u},
            {"tools_attached", "hvs_letta_writes_total", "kind=\"tool_attached\"", o.tools_attached},
            {"blocks_written", "hvs_letta_writes_total", "kind=\"block_written\"", o.blocks_written},
            {"files_uploaded", "hvs_letta_writes_total", "kind=\"file_uploaded\"", o.files_uploaded},
            {"tools_detached", "hvs_letta_writes_total", "kind=\"tool_detached\"", o.tools_detached},
            {"drift_found", "hvs_agent_drift_total", "state=\"found\"", o.drift_found},
            {"drift_repaired", "hvs_agent_drift_total", "state=\"repaired\"", o.drift_repaired}};
}

net::task<agent_outcome> sync_pm_agent(agent_context& ctx, project_facts project, std::vector<sync::link> links,
                                       std::vector<sync::link> previous_links, control_agent control);

}  // namespace hvs::agents
