#include "hvs/store/project_repository.hpp"

#include "hvs/core/json.hpp"

#include "rows.hpp"

namespace hvs::store {
namespace {

constexpr std::string_view project_row_columns =
    "identifier, name, vibe_id, repo_path, description_hash, issue_count, watermark_ms, cycles_since_full, "
    "last_success_at, last_error";

constexpr std::string_view link_row_columns =
    "issue_id, project, task_id, base_title, base_description, base_status, huly_title, huly_description, "
    "huly_status, huly_priority, huly_modified_ms, vibe_title, vibe_description, vibe_status, deleted_in_huly, "
    "deleted_in_vibe, rejected_status, status_before_cancel";

project_row read_project(const statement& s) {
    project_row row;
    row.identifier = s.text(0);
    row.name = s.text(1);
    row.vibe_id = s.optional_text(2);
    row.repo_path = s.optional_text(3);
    row.description_hash = s.optional_text(4);
    row.issue_count = s.integer(5);
    row.watermark_ms = s.optional_integer(6);
    row.cycles_since_full = s.integer(7);
    row.last_success_at = s.optional_text(8);
    row.last_error = s.optional_text(9);
    return row;
}

link read_link(const statement& s) {
    link l;
    l.issue_id = s.text(0);
    l.project = s.text(1);
    l.task_id = s.optional_text(2);
    l.base_title = s.optional_text(3);
    l.base_description = s.optional_text(4);
    l.base_status = s.optional_text(5);
    l.huly_title = s.optional_text(6);
    l.huly_description = s.optional_text(7);
    l.huly_status = s.optional_text(8);
    l.huly_priority = s.optional_text(9);
    l.huly_modified_ms = s.optional_integer(10);
    l.vibe_title = s.optional_text(11);
    l.vibe_description = s.optional_text(12);
    l.vibe_status = s.optional_text(13);
    l.deleted_in_huly = s.integer(14) != 0;
    l.deleted_in_vibe = s.integer(15) != 0;
    l.rejected_status = s.optional_text(16);
    l.status_before_cancel = s.optional_text(17);
    return l;
}

result<void> upsert_links(database& tx, const std::vector<link>& links, const std::string& now) {
    auto upsert = tx.prepare(
        "INSERT INTO links (" + std::string(link_row_columns) +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
        "ON CONFLICT(issue_id) DO UPDATE SET project = excluded.project, task_id = excluded.task_id, "
        "base_title = excluded.base_title, base_description = excluded.base_description, "
        "base_status = excluded.base_status, huly_title = excluded.huly_title, "
        "huly_description = excluded.huly_description, huly_status = excluded.huly_status, "
        "huly_priority = excluded.huly_priority, huly_modified_ms = excluded.huly_modified_ms, "
        "vibe_title = excluded.vibe_title, vibe_description = excluded.vibe_description, "
        "vibe_status = excluded.vibe_status, deleted_in_huly = excluded.deleted_in_huly, "
        "deleted_in_vibe = excluded.deleted_in_vibe, rejected_status = excluded.rejected_status, "
        "status_before_cancel = excluded.status_before_cancel, updated_at = ?19");
    if (!upsert) return upsert.error();
    for (const auto& l : links) {
        upsert->bind(1, l.issue_id).bind(2, l.project).bind(3, l.task_id).bind(4, l.base_title);
        upsert->bind(5, l.base_description).bind(6, l.base_status).bind(7, l.huly_title);
        upsert->bind(8, l.huly_description).bind(9, l.huly_status).bind(10, l.huly_priority);
        upsert->bind(11, l.huly_modified_ms).bind(12, l.vibe_title).bind(13, l.vibe_description);
        upsert->bind(14, l.vibe_status).bind(15, l.deleted_in_huly).bind(16, l.deleted_in_vibe);
        upsert->bind(17, l.rejected_status).bind(18, l.status_before_cancel).bind(19, now);
        if (auto done = upsert->run(); !done) return done.error();
    }
    return {};
}

}  // namespace

result<std::vector<project_row>> load_projects(database& db) {
    auto s = db.prepare("SELECT " + std::string(project_row_columns) + " FROM projects ORDER BY identifier");
    if (!s) return s.error();
    return read_all<project_row>(*s, read_project);
}

result<std::optional<project_row>> load_project(database& db, const std::string& identifier) {
    auto s = db.prepare("SELECT " + std::string(project_row_columns) + " FROM projects WHERE identifier = ?1");
    if (!s) return s.error();
    s->bind(1, identifier);
    return read_first<project_row>(*s, read_project);
}

result<std::vector<link>> load_links(database& db, const std::string& project) {
    auto s = db.prepare("SELECT " + std::string(link_row_columns) + " FROM links WHERE project = ?1 ORDER BY issue_id");
    if (!s) return s.error();
    s->bind(1, project);
    return read_all<link>(*s, read_link);
}

result<std::set<std::string>> load_learned_statuses(database& db) {
    auto s = db.prepare("SELECT name FROM huly_statuses");
    if (!s) return s.error();
    return read_text_set(*s);
}

result<void> save_project_step(database& db, const project_row& row, const std::vector<link>& links,
                               const std::set<std::string>& learned_statuses) {
    const auto now = core::now_iso8601();
    return db.transaction([&](database& tx) -> result<void> {
        auto project = tx.prepare(
            "INSERT INTO projects (" + std::string(project_row_columns) +
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
            "ON CONFLICT(identifier) DO UPDATE SET name = excluded.name, vibe_id = excluded.vibe_id, "
            "repo_path = excluded.repo_path, description_hash = excluded.description_hash, "
            "issue_count = excluded.issue_count, watermark_ms = excluded.watermark_ms, "
            "cycles_since_full = excluded.cycles_since_full, last_success_at = excluded.last_success_at, "
            "last_error = excluded.last_error, last_attempt_at = ?11");
        if (!project) return project.error();
        project->bind(1, row.identifier).bind(2, row.name).bind(3, row.vibe_id).bind(4, row.repo_path);
        project->bind(5, row.description_hash).bind(6, row.issue_count).bind(7, row.watermark_ms);
        project->bind(8, row.cycles_since_full).bind(9, row.last_success_at).bind(10, row.last_error).bind(11, now);
        if (auto done = project->run(); !done) return done.error();

        if (auto written = upsert_links(tx, links, now); !written) return written;

        auto learned = tx.prepare("INSERT INTO huly_statuses (name) VALUES (?1) ON CONFLICT DO NOTHING");
        if (!learned) return learned.error();
        for (const auto& name : learned_statuses) {
            if (auto done = learned->bind(1, name).run(); !done) return done.error();
        }
        return {};
    });
}

result<void> save_cycle(database& db, const cycle_record& r) {
    auto s = db.prepare(
        "INSERT INTO sync_history (started_at, finished_at, outcome, projects_ok, projects_failed, tasks_created, "
        "tasks_updated, issues_updated, conflicts, errors, agent_work) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11)");
    if (!s) return s.error();
    s->bind(1, r.started_at).bind(2, r.finished_at).bind(3, r.outcome).bind(4, r.projects_ok);
    s->bind(5, r.projects_failed).bind(6, r.tasks_created).bind(7, r.tasks_updated).bind(8, r.issues_updated);
    s->bind(9, r.conflicts).bind(10, r.errors_json).bind(11, r.agent_work_json);
    return s->run();
}

result<std::vector<cycle_record>> load_cycles(database& db, int limit) {
    auto s = db.prepare(
        "SELECT started_at, finished_at, outcome, projects_ok, projects_failed, tasks_created, tasks_updated, "
        "issues_updated, conflicts, errors, agent_work FROM sync_history ORDER BY id DESC LIMIT ?1");
    if (!s) return s.error();
    s->bind(1, limit);
    return read_all<cycle_record>(*s, [](const statement& st) {
        cycle_record r;
        r.started_at = st.text(0);
        r.finished_at = st.text(1);
        r.outcome = st.text(2);
        r.projects_ok = static_cast<int>(st.integer(3));
        r.projects_failed = static_cast<int>(st.integer(4));
        r.tasks_created = static_cast<int>(st.integer(5));
        r.tasks_updated = static_cast<int>(st.integer(6));
        r.issues_updated = static_cast<int>(st.integer(7));
        r.conflicts = static_cast<int>(st.integer(8));
        r.errors_json = st.text(9);
        r.agent_work_json = st.text(10);
        return r;
    });
}

result<std::map<std::string, link_counts>> load_link_counts(database& db) {
    auto s = db.prepare(
        "SELECT project, count(*), count(task_id), sum(CASE WHEN deleted_in_huly != 0 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN deleted_in_vibe != 0 THEN 1 ELSE 0 END) "
        "FROM links GROUP BY project");
    if (!s) return s.error();
    std::map<std::string, link_counts> out;
    auto read = for_each_row(*s, [&](const statement& row) {
        out[row.text(0)] = {row.integer(1), row.integer(2), row.integer(3), row.integer(4)};
    });
    if (!read) return read.error();
    return out;
}

result<void> insert_imported_project(database& db, const project_row& project) {
    auto insert = db.prepare(
        "INSERT INTO projects (identifier, name, vibe_id, repo_path, issue_count) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert) return insert.error();
    insert->bind(1, project.identifier).bind(2, project.name).bind(3, project.vibe_id);
    insert->bind(4, project.repo_path).bind(5, project.issue_count);
    return insert->run();
}

result<bool> insert_imported_link(database& db, const link& l) {
    auto insert = db.prepare(
        "INSERT INTO links (issue_id, project, task_id, base_title, base_description, base_status) "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM projects WHERE identifier = ?2) "
        "AND NOT EXISTS (SELECT 1 FROM links WHERE task_id = ?3) ON CONFLICT DO NOTHING");
    if (!insert) return insert.error();
    insert->bind(1, l.issue_id).bind(2, l.project).bind(3, l.task_id).bind(4, l.base_title);
    insert->bind(5, l.base_description).bind(6, l.base_status);
    if (auto done = insert->run(); !done) return done.error();
    return db.changes() == 1;
}

}  // namespace hvs::store
