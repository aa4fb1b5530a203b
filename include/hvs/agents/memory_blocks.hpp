#pragma once
// The memory blocks a project's PM agent receives every cycle, built from the stored sync state.
// Pure functions: the same state gives byte-identical values, so a block is rewritten only when
// something an agent should know about actually changed (no timestamps, no ages in days).

#include "hvs/sync/model.hpp"
#include "hvs/sync/status.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

// Letta's practical limit for one block value; longer values are cut list item by list item.
inline constexpr std::size_t max_block_chars = 50'000;

struct project_facts {
    std::string identifier;    // "PROJ"
    std::string name;
    std::string description;
    std::string vibe_id;       // empty = no Vibe project yet
    std::string vibe_api_url;
    std::string repo_path;     // empty = no allowed repository
};

struct memory_block {
    std::string label;
    std::string value;  // compact JSON, at most max_block_chars characters
    std::string hash;   // core::content_hash(value)
};

// The blocks build_memory_blocks makes, in its order: rewritten by the sync whenever their content
// changes (their hashes are stored).
inline constexpr std::array<std::string_view, 6> managed_block_labels = {
    "project", "board_config", "board_metrics", "hotspots", "backlog_summary", "change_log"};
// Blocks a PM agent is created with and then owns: created when absent, never overwritten (the
// persona is managed instead with LETTA_SYNC_PERSONA).
inline constexpr std::string_view persona_label = "persona";
inline constexpr std::string_view scratchpad_label = "scratchpad";

// Every label a PM agent should hold: the managed blocks, persona and scratchpad.
[[nodiscard]] std::vector<std::string> pm_agent_block_labels();

// Labels, in order: managed_block_labels.
// `links` is the project's stored state now, `previous_links` the state the previous cycle left
// (empty = first sync). Deleted links (either side) appear only as board_metrics.deleted.
// `now_ms` only decides which in-progress issues count as ageing (untouched for 7 days).
[[nodiscard]] std::vector<memory_block> build_memory_blocks(const project_facts& project,
                                                            const std::vector<sync::link>& links,
                                                            const std::vector<sync::link>& previous_links,
                                                            const sync::huly_status_names& status_names,
                                                            std::int64_t now_ms);

// The scratchpad's value when the agent has none: {notes, observations, action_items, context,
// usage_guide}. The agent owns it afterwards; the sync never rewrites it.
[[nodiscard]] std::string scratchpad_initial_value();

// The persona block kept equal to the control agent's persona (LETTA_SYNC_PERSONA).
[[nodiscard]] memory_block persona_block(std::string persona);

// Plain-text persona for a project PM agent, used when the control agent has none.
[[nodiscard]] std::string default_project_persona(const project_facts& project);

}  // namespace hvs::agents
