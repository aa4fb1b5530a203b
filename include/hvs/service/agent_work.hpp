#pragma once
// What a cycle's PM agent work did, as the operator sees it: the per-project log line, the
// cycle's history entry, once's summary and the /metrics counters all read the counts of
// agents::agent_counts, so a count added there reaches every one of them. Pure functions.

#include "hvs/agents/pm_agent.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hvs::service {

using agent_outcomes = std::map<std::string, agents::agent_outcome>;  // by project identifier
using agent_totals = std::vector<std::pair<std::string_view, std::uint64_t>>;  // in agent_counts order

// True when the agent work of a project is worth a line: something was written in Letta, or it failed.
// A PM agent that was already up to date is silent (thousands of projects, every cycle).
[[nodiscard]] bool worth_reporting(const agents::agent_outcome& outcome);

// "created=0 tools_attached=2 blocks_written=1 files_uploaded=0"
[[nodiscard]] std::string format_agent_counts(const agents::agent_outcome& outcome);
[[nodiscard]] std::string format_agent_counts(const agent_totals& totals);

// The one log line of a project's agent work (the logger adds project=…):
// "PM agent agent-1: created=0 tools_attached=2 blocks_written=1 files_uploaded=0[; failed: why]".
[[nodiscard]] std::string agent_work_line(const agents::agent_outcome& outcome);

// Each count summed over the projects (every count listed, zeros included).
[[nodiscard]] agent_totals sum_agent_counts(const agent_outcomes& outcomes);

// The cycle's history entry: {"agents": N, "failed": F, "totals": {count: n, …},
// "projects": {ID: {"agent_id", "ok", "error", count: n, …}}}, projects listed when worth_reporting.
[[nodiscard]] boost::json::object agent_work_json(const agent_outcomes& outcomes);

}  // namespace hvs::service
