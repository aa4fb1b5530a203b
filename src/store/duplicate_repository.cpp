#include "hvs/store/duplicate_repository.hpp"

#include "rows.hpp"

namespace hvs::store {

result<void> save_duplicates(database& db, const std::string& project, const std::vector<duplicate_task>& tasks) {
    return db.transaction([&](database& tx) -> result<void> {
        auto clear = tx.prepare("DELETE FROM duplicate_tasks WHERE project = ?1");
        if (!clear) return clear.error();
        if (auto done = clear->bind(1, project).run(); !done) return done.error();
        auto insert = tx.prepare("INSERT INTO duplicate_tasks (project, issue_id, task_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        if (!insert) return insert.error();
        for (const auto& task : tasks) {
            if (auto done = insert->bind(1, project).bind(2, task.issue_id).bind(3, task.task_id).run(); !done) {
                return done.error();
            }
        }
        return {};
    });
}

result<bool> has_duplicates(database& db, const std::string& project) {
    auto s = db.prepare("SELECT 1 FROM duplicate_tasks WHERE project = ?1 LIMIT 1");
    if (!s) return s.error();
    auto row = s->bind(1, project).step();
    if (!row) return row.error();
    return *row;
}

result<std::map<std::string, std::int64_t>> load_duplicate_counts(database& db) {
    auto s = db.prepare("SELECT project, COUNT(*) FROM duplicate_tasks GROUP BY project ORDER BY project");
    if (!s) return s.error();
    std::map<std::string, std::int64_t> counts;
    auto read = for_each_row(*s, [&](const statement& row) { counts[row.text(0)] = row.integer(1); });
    if (!read) return read.error();
    return counts;
}

}  // namespace hvs::store
