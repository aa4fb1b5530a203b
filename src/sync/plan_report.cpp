#include "hvs/sync/plan_report.hpp"

namespace hvs::sync {

std::string describe_plan(const std::string& project, const project_plan& plan, const mirror_decision& mirror) {
    std::string out;
    if (mirror.what == mirror_decision::kind::create) out += project + ": would create the Vibe project\n";
    for (const auto& c : plan.creates) {
        out += project + ": would create a task for " + c.issue_id + " \"" + c.title + "\"";
        if (c.then_status) out += " then set status " + std::string(to_string(*c.then_status));
        out += "\n";
    }
    for (const auto& u : plan.task_updates) {
        out += project + ": would update task of " + u.issue_id + ":";
        if (u.title) out += " title";
        if (u.description) out += " description";
        if (u.status) out += " status=" + std::string(to_string(*u.status));
        out += "\n";
    }
    for (const auto& u : plan.issue_updates) {
        out += project + ": would update Huly " + u.issue_id + " " + u.field +
               (u.field == "status" ? "=" + u.value : std::string()) + "\n";
    }
    out += project + ": " + std::to_string(plan.creates.size()) + " creates, " +
           std::to_string(plan.task_updates.size()) + " task updates, " + std::to_string(plan.issue_updates.size()) +
           " Huly updates, " + std::to_string(plan.conflicts) + " conflicts\n";
    return out;
}

}  // namespace hvs::sync
