#include "hvs/agents/agent_drift.hpp"

#include "hvs/agents/convergence.hpp"
#include "hvs/agents/tool_sync.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <set>

namespace hvs::agents {
namespace {

namespace json = boost::json;

net::task<void> read_agent(letta::client& letta, std::string project, store::agent_binding bound,
                           const std::vector<letta::tool>& control_tools,
                           const std::map<std::string, std::string>& stored_hashes, agent_drift& out) {
    auto held = co_await letta.agent_with_memory(bound.agent_id);
    if (held) {
        out = compare_agent_tools(project, bound, control_tools, held->tools);
        add_block_drift(out, held->blocks, stored_hashes);
        co_return;
    }
    out.project = std::move(project);
    out.agent_id = bound.agent_id;
    out.agent_name = bound.agent_name;
    if (held.error().http_status == 404) {
        out.status = drift_status::missing_in_letta;
    } else {
        out.status = drift_status::unreadable;
        out.error = held.error().describe();
    }
}

json::array names_of(const std::vector<std::string>& names) {
    json::array out;
    for (const auto& n : names) out.emplace_back(n);
    return out;
}

}  // namespace

std::string_view to_string(drift_status status) {
    switch (status) {
    case drift_status::ok: return "ok";
    case drift_status::drift: return "drift";
    case drift_status::missing_in_letta: return "missing-in-letta";
    case drift_status::unreadable: return "unreadable";
    }
    return "?";
}

agent_drift compare_agent_tools(const std::string& project, const store::agent_binding& bound,
                                const std::vector<letta::tool>& control_tools,
                                const std::vector<letta::tool>& agent_tools) {
    agent_drift out;
    out.project = project;
    out.agent_id = bound.agent_id;
    out.agent_name = bound.agent_name;
    std::set<std::string> has, wanted;
    for (const auto& t : agent_tools) has.insert(t.id);
    for (const auto& t : control_tools) {
        wanted.insert(t.id);
        if (!has.contains(t.id)) out.missing.push_back(t.name);
    }
    for (const auto& t : agent_tools) {
        if (!wanted.contains(t.id) && !is_letta_managed_tool(t.name)) out.extra.push_back(t.name);
    }
    out.status = out.missing.empty() && out.extra.empty() ? drift_status::ok : drift_status::drift;
    return out;
}

void add_block_drift(agent_drift& drift, const std::vector<letta::block>& agent_blocks,
                     const std::map<std::string, std::string>& stored_hashes) {
    auto blocks = compare_agent_blocks(pm_agent_block_labels(), agent_blocks, stored_hashes);
    drift.missing_blocks = std::move(blocks.missing);
    drift.edited_blocks = std::move(blocks.edited);
    if (!drift.missing_blocks.empty()) drift.status = drift_status::drift;
}

bool agent_listing::any_unreadable() const {
    for (const auto& a : agents) {
        if (a.status == drift_status::unreadable) return true;
    }
    return false;
}

net::task<result<agent_listing>> list_agent_drift(letta::client& letta, std::string control_agent,
                                                  std::map<std::string, store::agent_binding> bindings,
                                                  stored_block_hashes hashes) {
    agent_listing listing;
    auto control = co_await find_control_agent(letta, control_agent, listing.notes);
    if (!control) co_return control.error();
    listing.control = std::move(*control);
    auto control_tools = co_await letta.agent_tools(listing.control.id);
    if (!control_tools) {
        co_return make_error(control_tools.error().kind,
                             "reading the control agent's tools: " + control_tools.error().message);
    }
    listing.control_tools = std::move(*control_tools);
    listing.agents.resize(bindings.size());
    std::vector<net::task<void>> reads;
    std::size_t i = 0;
    for (auto& [project, bound] : bindings) {
        reads.push_back(read_agent(letta, project, bound, listing.control_tools, hashes[bound.agent_id],
                                   listing.agents[i++]));
    }
    co_await net::run_all(std::move(reads));
    co_return listing;
}

json::value to_json(const agent_listing& listing) {
    json::array control_tools, agents, notes;
    for (const auto& t : listing.control_tools) control_tools.emplace_back(t.name);
    for (const auto& a : listing.agents) {
        json::object o;
        o["project"] = a.project;
        o["agent_name"] = a.agent_name;
        o["agent_id"] = a.agent_id;
        o["status"] = to_string(a.status);
        o["missing_count"] = a.missing.size();
        o["missing"] = names_of(a.missing);
        o["extra_count"] = a.extra.size();
        o["extra"] = names_of(a.extra);
        o["missing_blocks_count"] = a.missing_blocks.size();
        o["missing_blocks"] = names_of(a.missing_blocks);
        o["scratchpad_missing"] = std::find(a.missing_blocks.begin(), a.missing_blocks.end(), scratchpad_label) !=
                                  a.missing_blocks.end();
        o["edited_blocks"] = names_of(a.edited_blocks);
        if (!a.error.empty()) o["error"] = a.error;
        agents.push_back(std::move(o));
    }
    for (const auto& n : listing.notes) notes.emplace_back(n);
    json::object control;
    control["id"] = listing.control.id;
    control["name"] = listing.control.name;
    control["tools"] = std::move(control_tools);
    json::object doc;
    doc["control_agent"] = std::move(control);
    doc["agents"] = std::move(agents);
    doc["notes"] = std::move(notes);
    return doc;
}

}  // namespace hvs::agents
