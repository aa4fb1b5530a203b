#include "hvs/store/legacy_reader.hpp"

#include "hvs/store/database.hpp"

#include "rows.hpp"

#include <filesystem>

namespace hvs::store {
namespace {

// The legacy file is only read.
result<database> open_legacy(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return make_error(error_kind::invalid, "legacy database '" + path + "' does not exist");
    }
    auto db = database::open_read_only(path);
    if (!db) {
        // A WAL-mode file in a read-only directory cannot get its -shm index: read it as immutable
        // (the original service must be stopped, which switching requires anyway).
        db = database::open_read_only(path, true);
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

std::optional<std::string> legacy_id(const statement& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    auto text = s.text(column);
    if (text.empty() || text == "0") return std::nullopt;
    return text;
}

}  // namespace

result<legacy_state> read_legacy_state(const std::string& path) {
    auto legacy = open_legacy(path);
    if (!legacy) return legacy.error();
    bool has_agents = false;
    if (auto cols = legacy->prepare("SELECT count(*) FROM pragma_table_info('projects') WHERE name='letta_agent_id'")) {
        if (auto row = cols->step(); row && *row) has_agents = cols->integer(0) == 1;
    }
    auto p = legacy->prepare(std::string("SELECT identifier, name, vibe_id, filesystem_path, issue_count, ") +
                             (has_agents ? "letta_agent_id" : "NULL") + " FROM projects");
    if (!p) return p.error();
    auto projects = read_all<legacy_project>(*p, [](const statement& row) {
        legacy_project project;
        project.identifier = row.text(0);
        project.name = row.text(1);
        project.vibe_id = legacy_id(row, 2);
        project.filesystem_path = row.optional_text(3);
        project.issue_count = row.is_null(4) ? 0 : row.integer(4);
        project.letta_agent_id = legacy_id(row, 5);
        return project;
    });
    if (!projects) return projects.error();

    auto i = legacy->prepare("SELECT identifier, project_identifier, vibe_task_id, title, description, status FROM issues");
    if (!i) return i.error();
    auto issues = read_all<legacy_issue>(*i, [](const statement& row) {
        legacy_issue issue;
        issue.identifier = row.text(0);
        issue.project_identifier = row.text(1);
        issue.vibe_task_id = legacy_id(row, 2);
        issue.title = row.optional_text(3);
        issue.description = row.optional_text(4);
        issue.status = row.optional_text(5);
        return issue;
    });
    if (!issues) return issues.error();
    return legacy_state{std::move(*projects), std::move(*issues)};
}

}  // namespace hvs::store
