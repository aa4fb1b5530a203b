#include "hvs/sync/legacy_import.hpp"

#include "hvs/sync/state.hpp"
#include "hvs/sync/status.hpp"
#include "hvs/sync/text.hpp"

#include <filesystem>

namespace hvs::sync {
namespace {

// The legacy file is only read.
result<store::database> open_legacy(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return make_error(error_kind::invalid, "legacy database '" + path + "' does not exist");
    }
    auto db = store::database::open_read_only(path);
    if (!db) {
        // A WAL-mode file in a read-only directory cannot get its -shm index: read it as immutable
        // (the original service must be stopped, which switching requires anyway).
        db = store::database::open_read_only(path, true);
    }
    if (!db) return db.error();
    auto probe = db->prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('projects','issues')");
    if (!probe) return probe.error();
    auto row = probe->step();
    if (!row) return row.error();
    if (probe->integer(0) != 2) {
        return make_error(error_kind::invalid, "'" + path + "' is not the original service's sync-state.db "
                                               "(tables projects and issues not found)");
    }
    return db;
}

std::optional<std::string> id_text(const store::statement& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    auto text = s.text(column);
    if (text.empty() || text == "0") return std::nullopt;
    return text;
}

}  // namespace

result<import_report> import_legacy(store::database& db, const std::string& legacy_path) {
    auto legacy = open_legacy(legacy_path);
    if (!legacy) return legacy.error();

    std::vector<project_row> projects;
    std::vector<std::pair<std::string, std::string>> agent_bindings;  // project, agent id
    bool has_agents = false;
    if (auto cols = legacy->prepare("SELECT count(*) FROM pragma_table_info('projects') WHERE name='letta_agent_id'")) {
        if (auto row = cols->step(); row && *row) has_agents = cols->integer(0) == 1;
    }
    auto p = legacy->prepare(std::string("SELECT identifier, name, vibe_id, filesystem_path, issue_count, ") +
                             (has_agents ? "letta_agent_id" : "NULL") + " FROM projects");
    if (!p) return p.error();
    for (;;) {
        auto row = p->step();
        if (!row) return row.error();
        if (!*row) break;
        project_row r;
        r.identifier = p->text(0);
        r.name = p->text(1);
        r.vibe_id = id_text(*p, 2);
        r.repo_path = p->optional_text(3);
        r.issue_count = p->is_null(4) ? 0 : p->integer(4);
        if (auto agent = id_text(*p, 5)) agent_bindings.emplace_back(r.identifier, *agent);
        projects.push_back(std::move(r));  // no watermark: the first cycle reads every issue
    }

    std::vector<link> links;
    import_report report;
    auto i = legacy->prepare("SELECT identifier, project_identifier, vibe_task_id, title, description, status FROM issues");
    if (!i) return i.error();
    for (;;) {
        auto row = i->step();
        if (!row) return row.error();
        if (!*row) break;
        auto task_id = id_text(*i, 2);
        if (!task_id) {
            ++report.skipped_links;
            continue;
        }
        link l;
        l.issue_id = i->text(0);
        l.project = i->text(1);
        l.task_id = task_id;
        auto title = i->optional_text(3);
        if (title && *title != l.issue_id) l.base_title = title;
        auto description = i->optional_text(4);
        if (description && !description->empty()) l.base_description = normalize_description(*description);
        auto status = i->optional_text(5);
        if (status && !status->empty() && *status != "unknown") {
            l.base_status = std::string(to_string(vibe_status_of_huly(*status)));
        }
        links.push_back(std::move(l));
    }

    auto imported = db.transaction([&](store::database& tx) -> result<void> {
        for (const auto& project : projects) {
            auto existing = load_project(tx, project.identifier);
            if (!existing) return existing.error();
            if (*existing) {
                ++report.kept_existing;
                continue;
            }
            auto insert = tx.prepare(
                "INSERT INTO projects (identifier, name, vibe_id, repo_path, issue_count) VALUES (?1, ?2, ?3, ?4, ?5)");
            if (!insert) return insert.error();
            insert->bind(1, project.identifier).bind(2, project.name).bind(3, project.vibe_id);
            insert->bind(4, project.repo_path).bind(5, project.issue_count);
            if (auto done = insert->run(); !done) return done.error();
            ++report.projects;
        }
        auto insert = tx.prepare(
            "INSERT INTO links (issue_id, project, task_id, base_title, base_description, base_status) "
            "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM projects WHERE identifier = ?2) "
            "AND NOT EXISTS (SELECT 1 FROM links WHERE task_id = ?3) ON CONFLICT DO NOTHING");
        if (!insert) return insert.error();
        for (const auto& l : links) {
            insert->bind(1, l.issue_id).bind(2, l.project).bind(3, l.task_id).bind(4, l.base_title);
            insert->bind(5, l.base_description).bind(6, l.base_status);
            if (auto done = insert->run(); !done) return done.error();
            if (tx.changes() == 1) {
                ++report.links;
            } else {
                ++report.kept_existing;
            }
        }
        // The original's project -> agent ids become bindings: the first cycle checks that each agent
        // still exists and carries its project tag before using it, and never creates a second one.
        auto bind = tx.prepare(
            "INSERT INTO agents (project, agent_id, agent_name) SELECT ?1, ?2, '' "
            "WHERE EXISTS (SELECT 1 FROM projects WHERE identifier = ?1) ON CONFLICT DO NOTHING");
        if (!bind) return bind.error();
        for (const auto& [project, agent] : agent_bindings) {
            if (auto done = bind->bind(1, project).bind(2, agent).run(); !done) return done.error();
            if (tx.changes() == 1) ++report.agents;
        }
        return {};
    });
    if (!imported) return imported.error();
    return report;
}

}  // namespace hvs::sync
