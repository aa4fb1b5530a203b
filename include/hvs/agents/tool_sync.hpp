#pragma once
// Propagates the control agent's tool set to the PM agents. Planning is pure; carrying the plan
// out sends the attaches/detaches of all agents concurrently (a bounded number at a time), paced
// by the Letta token bucket.

#include "hvs/letta/client.hpp"
#include "hvs/store/agent_repository.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hvs::agents {

// Tools Letta attaches by itself (base memory tools, and the file tools a folder brings): force
// mode never detaches them.
[[nodiscard]] bool is_letta_managed_tool(std::string_view name);

struct agent_tools {
    std::string agent_id;
    std::string agent_name;
    std::vector<letta::tool> tools;
};

struct agent_tool_plan {
    std::string agent_id;
    std::string agent_name;
    std::vector<letta::tool> attach;
    std::vector<letta::tool> detach;
    unsigned already = 0;  // control tools the agent has already (skipped)
};

// Additive: attach what the control agent has and the agent lacks. Force: also detach tools the
// control agent lacks, Letta-managed ones excepted. Force with an empty control set is refused
// (it would strip every agent): error_kind::invalid.
[[nodiscard]] result<std::vector<agent_tool_plan>> plan_tool_sync(const std::vector<letta::tool>& control_tools,
                                                                  const std::vector<agent_tools>& agents, bool force);

struct agent_tool_result {
    std::string agent_id;
    std::string agent_name;
    unsigned attached = 0, detached = 0, skipped = 0, errors = 0;
    std::vector<std::string> error_messages;
};

using progress_fn = std::function<void(std::size_t done, std::size_t total)>;

// Runs the plan's operations concurrently, at most `max_in_flight` at a time (the Letta token
// bucket paces them; the bound keeps memory flat however large the plan); `on_progress` after
// each one.
net::task<std::vector<agent_tool_result>> apply_tool_plan(letta::client& letta, std::vector<agent_tool_plan> plan,
                                                         unsigned max_in_flight, progress_fn on_progress);

// The control agent: the oldest agent named `name`, never a -sleeptime one; error_kind::invalid
// when there is none. A note goes to `notes` when several agents share the name.
net::task<result<letta::agent>> find_control_agent(letta::client& letta, std::string name,
                                                   std::vector<std::string>& notes);

struct tool_sync_request {
    std::string control_agent;          // LETTA_CONTROL_AGENT
    bool force = false;
    bool dry_run = false;
    std::set<std::string> projects;     // only these projects' agents; empty = all
    // The database's bindings. Empty: the PM agents are found by their tags in Letta instead.
    std::map<std::string, store::agent_binding> bindings;  // project -> agent
    unsigned max_in_flight = 64;        // operations under way at once (LETTA_CONNECTIONS is a good value)
};

struct tool_sync_report {
    letta::agent control;
    std::vector<letta::tool> control_tools;
    std::vector<agent_tool_plan> plan;
    std::vector<agent_tool_result> results;  // empty on a dry run
    std::vector<std::string> notes;          // e.g. duplicate control agents, bound agents gone
    std::vector<std::string> read_failures;  // bound agents whose tools could not be read: not planned
    std::string source;                      // where the PM agents came from: "database" or "letta tags"

    // Failed operations plus agents that could not be read.
    [[nodiscard]] unsigned errors() const;
};

// Finds the control agent (the oldest of that name), reads its tools, takes the PM agents from
// the bindings (or, with none, from their huly-vibe-sync tag; never the control agent, never a
// -sleeptime agent) with their tools read in one list call, plans, and (unless dry_run) applies
// the plan. A bound agent missing from the tagged list is read on its own; one Letta no longer has
// is noted and skipped (the next cycle re-creates it).
net::task<result<tool_sync_report>> sync_tools_from_control(letta::client& letta, tool_sync_request request,
                                                            progress_fn on_progress);

}  // namespace hvs::agents
