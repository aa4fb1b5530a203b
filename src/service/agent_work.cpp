#include "hvs/service/agent_work.hpp"

namespace hvs::service {

bool worth_reporting(const agents::agent_outcome& outcome) {
    if (!outcome.ok) return true;
    for (const auto& count : agents::agent_counts(outcome)) {
        if (count.value > 0) return true;
    }
    return false;
}

std::string format_agent_counts(const agent_totals& totals) {
    std::string out;
    for (const auto& [name, value] : totals) {
        if (!out.empty()) out += ' ';
        out += std::string(name) + "=" + std::to_string(value);
    }
    return out;
}

std::string format_agent_counts(const agents::agent_outcome& outcome) {
    agent_totals counts;
    for (const auto& count : agents::agent_counts(outcome)) counts.emplace_back(count.name, count.value);
    return format_agent_counts(counts);
}

std::string agent_work_line(const agents::agent_outcome& outcome) {
    std::string line = "PM agent " + (outcome.agent_id.empty() ? std::string("-") : outcome.agent_id) + ": " +
                       format_agent_counts(outcome);
    if (!outcome.ok) line += "; failed: " + outcome.error;
    return line;
}

agent_totals sum_agent_counts(const agent_outcomes& outcomes) {
    agent_totals totals;
    for (const auto& count : agents::agent_counts(agents::agent_outcome{})) totals.emplace_back(count.name, 0);
    for (const auto& [project, outcome] : outcomes) {
        auto counts = agents::agent_counts(outcome);
        for (std::size_t i = 0; i < counts.size() && i < totals.size(); ++i) totals[i].second += counts[i].value;
    }
    return totals;
}

boost::json::object agent_work_json(const agent_outcomes& outcomes) {
    boost::json::object totals;
    for (const auto& [name, value] : sum_agent_counts(outcomes)) totals[name] = value;
    boost::json::object projects;
    std::size_t failed = 0;
    for (const auto& [project, outcome] : outcomes) {
        if (!outcome.ok) ++failed;
        if (!worth_reporting(outcome)) continue;
        boost::json::object entry{{"agent_id", outcome.agent_id.empty() ? boost::json::value(nullptr)
                                                                         : boost::json::value(outcome.agent_id)},
                                  {"ok", outcome.ok},
                                  {"error", outcome.ok ? boost::json::value(nullptr) : boost::json::value(outcome.error)}};
        for (const auto& count : agents::agent_counts(outcome)) entry[count.name] = count.value;
        projects[project] = std::move(entry);
    }
    return {{"agents", outcomes.size()}, {"failed", failed}, {"totals", std::move(totals)}, {"projects", std::move(projects)}};
}

}  // namespace hvs::service
