#include "hvs/sync/legacy_import.hpp"

#include "hvs/store/agent_repository.hpp"
#include "hvs/store/legacy_reader.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/sync/status.hpp"
#include "hvs/sync/text.hpp"

namespace hvs::sync {

result<import_report> import_legacy(store::database& db, const std::string& legacy_path) {
    auto legacy = store::read_legacy_state(legacy_path);
    if (!legacy) return legacy.error();

    std::vector<store::project_row> projects;
    std::vector<std::pair<std::string, std::string>> agent_bindings;  // project, agent id
    for (const auto& p : legacy->projects) {
        store::project_row r;
        r.identifier = p.identifier;
        r.name = p.name;
        r.vibe_id = p.vibe_id;
        r.repo_path = p.filesystem_path;
        r.issue_count = p.issue_count;
        if (p.letta_agent_id) agent_bindings.emplace_back(r.identifier, *p.letta_agent_id);
        projects.push_back(std::move(r));  // no watermark: the first cycle reads every issue
    }

    std::vector<store::link> links;
    import_report report;
    for (const auto& issue : legacy->issues) {
        if (!issue.vibe_task_id) {
            ++report.skipped_links;
            continue;
        }
        store::link l;
        l.issue_id = issue.identifier;
        l.project = issue.project_identifier;
        l.task_id = issue.vibe_task_id;
        if (issue.title && *issue.title != l.issue_id) l.base_title = issue.title;
        if (issue.description && !issue.description->empty()) {
            l.base_description = normalize_description(*issue.description);
        }
        if (issue.status && !issue.status->empty() && *issue.status != "unknown") {
            l.base_status = std::string(to_string(vibe_status_of_huly(*issue.status)));
        }
        links.push_back(std::move(l));
    }

    auto imported = db.transaction([&](store::database& tx) -> result<void> {
        for (const auto& project : projects) {
            auto existing = store::load_project(tx, project.identifier);
            if (!existing) return existing.error();
            if (*existing) {
                ++report.kept_existing;
                continue;
            }
            if (auto done = store::insert_imported_project(tx, project); !done) return done;
            ++report.projects;
        }
        for (const auto& l : links) {
            auto written = store::insert_imported_link(tx, l);
            if (!written) return written.error();
            if (*written) {
                ++report.links;
            } else {
                ++report.kept_existing;
            }
        }
        // The original's project -> agent ids become bindings: the first cycle checks that each agent
        // still exists and carries its project tag before using it, and never creates a second one.
        for (const auto& [project, agent] : agent_bindings) {
            auto bound = store::bind_imported_agent(tx, project, agent);
            if (!bound) return bound.error();
            if (*bound) ++report.agents;
        }
        return {};
    });
    if (!imported) return imported.error();
    return report;
}

}  // namespace hvs::sync
