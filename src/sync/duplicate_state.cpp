#include "hvs/sync/duplicate_state.hpp"

namespace hvs::sync {

result<void> save_duplicates(store::database& db, const std::string& project,
                             const std::vector<duplicate_repair>& repairs) {
    return db.transaction([&](store::database& tx) -> result<void> {
        auto clear = tx.prepare("DELETE FROM duplicate_tasks WHERE project = ?1");
        if (!clear) return clear.error();
        if (auto done = clear->bind(1, project).run(); !done) return done.error();
        auto insert = tx.prepare("INSERT INTO duplicate_tasks (project, issue_id, task_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        if (!insert) return insert.error();
        for (const auto& repair : repairs) {
            for (const auto& task : repair.remove) {
                if (auto done = insert->bind(1, project).bind(2, repair.issue_id).bind(3, task).run(); !done) {
                    return done.error();
                }
            }
        }
        return {};
    });
}

result<bool> has_duplicates(store::database& db, const std::string& project) {
    auto s = db.prepare("SELECT 1 FROM duplicate_tasks WHERE project = ?1 LIMIT 1");
    if (!s) return s.error();
    auto row = s->bind(1, project).step();
    if (!row) return row.error();
    return *row;
}

result<std::map<std::string, std::int64_t>> load_duplicate_counts(store::database& db) {
    auto s = db.prepare("SELECT project, COUNT(*) FROM duplicate_tasks GROUP BY project ORDER BY project");
    if (!s) return s.error();
    std::map<std::string, std::int64_t> counts;
    for (;;) {
        auto row = s->step();
        if (!row) return row.error();
        if (!*row) break;
        counts[s->text(0)] = s->integer(1);
    }
    return counts;
}

}  // namespace hvs::sync
