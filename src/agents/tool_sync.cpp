#include "hvs/agents/tool_sync.hpp"
#include "hvs/agents/tags.hpp"

#include <algorithm>
#include <set>

namespace hvs::agents {
namespace {

constexpr std::string_view letta_managed_tools[] = {
    // Base memory tools of the agent types Letta creates.
    "send_message", "conversation_search", "archival_memory_insert", "archival_memory_search",
    "core_memory_append", "core_memory_replace", "memory_insert", "memory_replace", "memory_rethink",
    "memory_finish_edits", "memory",
    // File tools that attaching a folder adds (and detaching the last folder removes).
    "open_files", "grep_files", "semantic_search_files",
};

struct operation {
    std::size_t agent_index;
    letta::tool tool;
    bool attach;
};

struct progress_state {
    std::size_t done = 0;
    std::size_t total = 0;
    std::function<void(std::size_t, std::size_t)> report;
};

net::task<void> run_operation(letta::client& letta, operation op, std::string agent_id,
                              std::vector<agent_tool_result>& results, progress_state& progress) {
    // Two statements, not a conditional around co_await: GCC 12 miscompiles the latter.
    result<void> outcome;
    if (op.attach) {
        outcome = co_await letta.attach_tool(agent_id, op.tool.id);
    } else {
        outcome = co_await letta.detach_tool(agent_id, op.tool.id);
    }
    auto& r = results[op.agent_index];
    if (outcome) {
        ++(op.attach ? r.attached : r.detached);
    } else {
        ++r.errors;
        r.error_messages.push_back(std::string(op.attach ? "attach " : "detach ") + op.tool.name + ": " +
                                   outcome.error().describe());
    }
    ++progress.done;
    if (progress.report) progress.report(progress.done, progress.total);
}

// Takes operations off the shared list until none is left.
net::task<void> operation_worker(letta::client& letta, const std::vector<agent_tool_plan>& plan,
                                 std::vector<operation>& ops, std::size_t& next, std::vector<agent_tool_result>& results,
                                 progress_state& progress) {
    while (next < ops.size()) {
        operation op = std::move(ops[next++]);
        std::string agent_id = plan[op.agent_index].agent_id;
        co_await run_operation(letta, std::move(op), std::move(agent_id), results, progress);
    }
}

}  // namespace

bool is_letta_managed_tool(std::string_view name) {
    return std::find(std::begin(letta_managed_tools), std::end(letta_managed_tools), name) !=
           std::end(letta_managed_tools);
}

result<std::vector<agent_tool_plan>> plan_tool_sync(const std::vector<letta::tool>& control_tools,
                                                    const std::vector<agent_tools>& agents, bool force) {
    if (force && control_tools.empty()) {
        return make_error(error_kind::invalid,
                          "refusing force mode: the control agent has no tools, so every agent would be stripped");
    }
    std::set<std::string> wanted;
    for (const auto& t : control_tools) wanted.insert(t.id);
    std::vector<agent_tool_plan> plan;
    for (const auto& a : agents) {
        agent_tool_plan p{a.agent_id, a.agent_name, {}, {}, 0};
        std::set<std::string> has;
        for (const auto& t : a.tools) has.insert(t.id);
        for (const auto& t : control_tools) {
            if (has.contains(t.id)) {
                ++p.already;
            } else {
                p.attach.push_back(t);
            }
        }
        if (force) {
            for (const auto& t : a.tools) {
                if (!wanted.contains(t.id) && !is_letta_managed_tool(t.name)) p.detach.push_back(t);
            }
        }
        plan.push_back(std::move(p));
    }
    return plan;
}

net::task<std::vector<agent_tool_result>> apply_tool_plan(letta::client& letta, std::vector<agent_tool_plan> plan,
                                                         unsigned max_in_flight, progress_fn on_progress) {
    std::vector<agent_tool_result> results;
    std::vector<operation> ops;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        results.push_back({plan[i].agent_id, plan[i].agent_name, 0, 0, plan[i].already, 0, {}});
        for (const auto& t : plan[i].attach) ops.push_back({i, t, true});
        for (const auto& t : plan[i].detach) ops.push_back({i, t, false});
    }
    progress_state progress{0, ops.size(), std::move(on_progress)};
    std::size_t next = 0;
    std::vector<net::task<void>> workers;
    const std::size_t count = std::min<std::size_t>(std::max(max_in_flight, 1u), ops.size());
    for (std::size_t w = 0; w < count; ++w) {
        workers.push_back(operation_worker(letta, plan, ops, next, results, progress));
    }
    co_await net::run_all(std::move(workers));
    co_return results;
}

unsigned tool_sync_report::errors() const {
    auto n = static_cast<unsigned>(read_failures.size());
    for (const auto& r : results) n += r.errors;
    return n;
}

net::task<result<letta::agent>> find_control_agent(letta::client& letta, std::string name,
                                                   std::vector<std::string>& notes) {
    letta::agent_query control_query;
    control_query.name = name;
    auto controls = co_await letta.list_agents(control_query);
    if (!controls) co_return make_error(controls.error().kind, "finding the control agent: " + controls.error().message);
    std::erase_if(*controls, [](const letta::agent& a) { return a.name.ends_with("-sleeptime"); });
    if (controls->empty()) {
        co_return make_error(error_kind::invalid, "no control agent named '" + name + "' (LETTA_CONTROL_AGENT)");
    }
    if (controls->size() > 1) {
        notes.push_back(std::to_string(controls->size()) + " agents are named '" + name + "'; using the oldest, " +
                        controls->front().id);
    }
    co_return controls->front();
}

net::task<result<tool_sync_report>> sync_tools_from_control(letta::client& letta, tool_sync_request request,
                                                            progress_fn on_progress) {
    tool_sync_report report;
    auto control = co_await find_control_agent(letta, request.control_agent, report.notes);
    if (!control) co_return control.error();
    report.control = std::move(*control);
    auto control_tools = co_await letta.agent_tools(report.control.id);
    if (!control_tools) co_return make_error(control_tools.error().kind, "reading the control agent's tools: " +
                                                                             control_tools.error().message);
    report.control_tools = std::move(*control_tools);

    letta::agent_query pm_query;
    pm_query.tags.push_back(std::string(service_tag));
    auto listed = co_await letta.list_agents(pm_query);
    if (!listed) co_return make_error(listed.error().kind, "listing PM agents: " + listed.error().message);
    std::erase_if(*listed, [&](const letta::agent& a) {
        return a.id == report.control.id || a.name.ends_with("-sleeptime");
    });
    std::vector<agent_tools> pm_agents;
    if (request.bindings.empty()) {
        report.source = "letta tags";
        for (auto& a : *listed) {
            bool wanted = request.projects.empty() ||
                          std::any_of(a.tags.begin(), a.tags.end(), [&](const std::string& tag) {
                              return tag.starts_with(project_tag_prefix) &&
                                     request.projects.contains(tag.substr(project_tag_prefix.size()));
                          });
            if (wanted) pm_agents.push_back({a.id, a.name, std::move(a.tools)});
        }
    } else {
        report.source = "database";
        for (const auto& [project, b] : request.bindings) {
            if (!request.projects.empty() && !request.projects.contains(project)) continue;
            if (b.agent_id == report.control.id) {
                report.notes.push_back("project " + project + " is bound to the control agent; skipped");
                continue;
            }
            auto it = std::find_if(listed->begin(), listed->end(),
                                   [&](const letta::agent& a) { return a.id == b.agent_id; });
            if (it != listed->end()) {
                pm_agents.push_back({it->id, it->name, std::move(it->tools)});
                continue;
            }
            // Bound but not tagged (an imported agent, say): read on its own.
            auto tools = co_await letta.agent_tools(b.agent_id);
            if (tools) {
                pm_agents.push_back({b.agent_id, b.agent_name, std::move(*tools)});
            } else if (tools.error().http_status == 404) {
                report.notes.push_back("agent " + b.agent_id + " bound to project " + project +
                                       " no longer exists in Letta; skipped (the next cycle creates it again)");
            } else {
                report.read_failures.push_back(b.agent_name + " (" + b.agent_id + "): reading its tools: " +
                                               tools.error().describe());
            }
        }
    }
    auto plan = plan_tool_sync(report.control_tools, pm_agents, request.force);
    if (!plan) co_return plan.error();
    report.plan = std::move(*plan);
    if (!request.dry_run) report.results = co_await apply_tool_plan(letta, report.plan, request.max_in_flight, std::move(on_progress));
    co_return report;
}

}  // namespace hvs::agents
