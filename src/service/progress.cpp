#include "hvs/service/progress.hpp"

#include "hvs/service/agent_work.hpp"

namespace hvs::service {

std::string progress_line(const project_progress& progress) {
    std::string line = "[" + std::to_string(progress.done) + "/" + std::to_string(progress.total) + "] ";
    if (progress.sync) line += progress.sync->project + " ";
    if (progress.agent) return line + agent_work_line(*progress.agent);
    if (!progress.sync) return line;
    const auto& p = *progress.sync;
    if (!p.ok) return line + "FAILED: " + p.error;
    if (p.skipped) return line + "skipped (no issues)";
    return line + "synced: created " + std::to_string(p.tasks_created) + ", tasks updated " +
           std::to_string(p.tasks_updated) + ", Huly updated " + std::to_string(p.issues_updated) + ", conflicts " +
           std::to_string(p.conflicts);
}

}  // namespace hvs::service
