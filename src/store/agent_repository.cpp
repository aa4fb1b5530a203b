#include "hvs/store/agent_repository.hpp"

#include "rows.hpp"

namespace hvs::store {

result<std::optional<agent_binding>> load_binding(database& db, const std::string& project) {
    auto s = db.prepare("SELECT agent_id, agent_name FROM agents WHERE project = ?1");
    if (!s) return s.error();
    s->bind(1, project);
    return read_first<agent_binding>(*s, [](const statement& row) { return agent_binding{row.text(0), row.text(1)}; });
}

result<std::map<std::string, agent_binding>> load_bindings(database& db) {
    auto s = db.prepare("SELECT project, agent_id, agent_name FROM agents ORDER BY project");
    if (!s) return s.error();
    std::map<std::string, agent_binding> out;
    auto read = for_each_row(*s, [&](const statement& row) {
        out[row.text(0)] = agent_binding{row.text(1), row.text(2)};
    });
    if (!read) return read.error();
    return out;
}

result<void> bind_agent(database& db, const std::string& project, const agent_binding& b) {
    auto s = db.prepare(
        "INSERT INTO agents (project, agent_id, agent_name) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(project) DO UPDATE SET agent_id = excluded.agent_id, agent_name = excluded.agent_name");
    if (!s) return s.error();
    return s->bind(1, project).bind(2, b.agent_id).bind(3, b.agent_name).run();
}

result<void> unbind_agent(database& db, const std::string& project) {
    auto s = db.prepare("DELETE FROM agents WHERE project = ?1");
    if (!s) return s.error();
    return s->bind(1, project).run();
}

result<std::optional<std::string>> project_of_agent(database& db, const std::string& agent_id) {
    auto s = db.prepare("SELECT project FROM agents WHERE agent_id = ?1");
    if (!s) return s.error();
    s->bind(1, agent_id);
    return read_first<std::string>(*s, [](const statement& row) { return row.text(0); });
}

namespace {
constexpr const char* control_agent_key = "letta_control_agent_id";
}

result<std::optional<std::string>> load_control_agent_id(database& db) {
    auto s = db.prepare("SELECT value FROM meta WHERE key = ?1");
    if (!s) return s.error();
    s->bind(1, control_agent_key);
    return read_first<std::string>(*s, [](const statement& row) { return row.text(0); });
}

result<void> save_control_agent_id(database& db, const std::string& agent_id) {
    auto s = db.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!s) return s.error();
    return s->bind(1, control_agent_key).bind(2, agent_id).run();
}

result<std::map<std::string, std::string>> load_block_hashes(database& db, const std::string& agent_id) {
    auto s = db.prepare("SELECT label, hash FROM agent_blocks WHERE agent_id = ?1");
    if (!s) return s.error();
    s->bind(1, agent_id);
    std::map<std::string, std::string> out;
    auto read = for_each_row(*s, [&](const statement& row) { out[row.text(0)] = row.text(1); });
    if (!read) return read.error();
    return out;
}

result<void> save_block_hash(database& db, const std::string& agent_id, const std::string& label,
                             const std::optional<std::string>& block_id, const std::string& hash) {
    auto s = db.prepare(
        "INSERT INTO agent_blocks (agent_id, label, block_id, hash) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(agent_id, label) DO UPDATE SET block_id = COALESCE(excluded.block_id, agent_blocks.block_id), "
        "hash = excluded.hash");
    if (!s) return s.error();
    return s->bind(1, agent_id).bind(2, label).bind(3, block_id).bind(4, hash).run();
}

result<void> record_resource(database& db, const std::string& id, const std::string& kind,
                             const std::string& name, const std::string& project) {
    auto s = db.prepare("INSERT INTO letta_resources (id, kind, name, project) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
    if (!s) return s.error();
    return s->bind(1, id).bind(2, kind).bind(3, name).bind(4, project).run();
}

result<bool> bind_imported_agent(database& db, const std::string& project, const std::string& agent_id) {
    auto bind = db.prepare(
        "INSERT INTO agents (project, agent_id, agent_name) SELECT ?1, ?2, '' "
        "WHERE EXISTS (SELECT 1 FROM projects WHERE identifier = ?1) ON CONFLICT DO NOTHING");
    if (!bind) return bind.error();
    if (auto done = bind->bind(1, project).bind(2, agent_id).run(); !done) return done.error();
    return db.changes() == 1;
}

result<std::vector<bound_agent>> load_bound_agents(database& db) {
    auto s = db.prepare(
        "SELECT a.project, a.agent_id, a.agent_name, a.bound_at, "
        "(SELECT count(*) FROM agent_blocks b WHERE b.agent_id = a.agent_id) "
        "FROM agents a ORDER BY a.project");
    if (!s) return s.error();
    return read_all<bound_agent>(*s, [](const statement& st) {
        return bound_agent{st.text(0), st.text(1), st.text(2), st.text(3), st.integer(4)};
    });
}

result<std::set<std::string>> load_resource_ids(database& db) {
    auto s = db.prepare("SELECT id FROM letta_resources");
    if (!s) return s.error();
    return read_text_set(*s);
}

namespace {

// Runs `sql` with `id` as ?1 and adds the rows it removed to `removed`.
result<void> remove_rows(database& db, std::string_view sql, const std::string& id, unsigned& removed) {
    auto s = db.prepare(sql);
    if (!s) return s.error();
    if (auto done = s->bind(1, id).run(); !done) return done;
    removed += static_cast<unsigned>(db.changes());
    return {};
}

// The resource row of `id`, then the rows `dependent_sql` names.
result<unsigned> forget_resource(database& db, const std::string& id, std::string_view dependent_sql) {
    unsigned removed = 0;
    if (auto done = remove_rows(db, "DELETE FROM letta_resources WHERE id = ?1", id, removed); !done) {
        return done.error();
    }
    if (auto done = remove_rows(db, dependent_sql, id, removed); !done) return done.error();
    return removed;
}

}  // namespace

result<unsigned> forget_folder(database& db, const std::string& folder_id) {
    return forget_resource(db, folder_id, "DELETE FROM letta_files WHERE folder_id = ?1");
}

result<unsigned> forget_file(database& db, const std::string& file_id) {
    return forget_resource(db, file_id, "DELETE FROM letta_files WHERE file_id = ?1");
}

result<unsigned> forget_agent(database& db, const std::string& agent_id) {
    return forget_resource(db, agent_id, "DELETE FROM agent_blocks WHERE agent_id = ?1");
}

result<std::map<std::string, stored_file>> load_letta_files(database& db, const std::string& folder_id) {
    auto s = db.prepare("SELECT file_name, hash, file_id FROM letta_files WHERE folder_id = ?1");
    if (!s) return s.error();
    s->bind(1, folder_id);
    std::map<std::string, stored_file> out;
    auto read = for_each_row(*s, [&](const statement& row) {
        out[row.text(0)] = stored_file{row.text(1), row.text(2)};
    });
    if (!read) return read.error();
    return out;
}

result<void> save_letta_file(database& db, const std::string& folder_id, const std::string& file_name,
                             const stored_file& file, const std::string& project) {
    return db.transaction([&](database& tx) -> result<void> {
        auto previous = tx.prepare("SELECT file_id FROM letta_files WHERE folder_id = ?1 AND file_name = ?2");
        if (!previous) return previous.error();
        previous->bind(1, folder_id).bind(2, file_name);
        auto row = previous->step();
        if (!row) return row.error();
        if (*row && previous->text(0) != file.file_id) {
            // Replace semantics deleted that file in Letta: it is no longer ours to clean up.
            auto forget = tx.prepare("DELETE FROM letta_resources WHERE id = ?1 AND kind = 'file'");
            if (!forget) return forget.error();
            if (auto done = forget->bind(1, previous->text(0)).run(); !done) return done;
        }
        auto save = tx.prepare(
            "INSERT INTO letta_files (folder_id, file_name, hash, file_id) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT(folder_id, file_name) DO UPDATE SET hash = excluded.hash, file_id = excluded.file_id");
        if (!save) return save.error();
        if (auto done = save->bind(1, folder_id).bind(2, file_name).bind(3, file.hash).bind(4, file.file_id).run(); !done) {
            return done;
        }
        return record_resource(tx, file.file_id, "file", file_name, project);
    });
}

}  // namespace hvs::store
