#include "hvs/sync/cycle_steps.hpp"

#include <algorithm>
#include <map>

namespace hvs::sync {

read_scope choose_read_scope(const store::project_row& row, std::size_t issue_count, bool incremental,
                             unsigned full_sync_every) {
    read_scope scope;
    scope.full = !incremental || !row.watermark_ms ||
                 row.cycles_since_full + 1 >= static_cast<std::int64_t>(full_sync_every);
    scope.full_limit = std::max<std::size_t>(default_issue_limit, issue_count + 1000);
    if (scope.full) {
        scope.limit = scope.full_limit;
    } else {
        scope.since = row.watermark_ms;
        scope.limit = default_issue_limit;
    }
    return scope;
}

bool skips_empty_project(bool skip_empty_projects, const std::optional<store::project_row>& stored, std::size_t issue_count,
                         bool has_links) {
    const bool known = stored && stored->vibe_id;
    return skip_empty_projects && known && issue_count == 0 && stored->issue_count == 0 && !has_links;
}

std::int64_t next_watermark(std::optional<std::int64_t> stored, const std::vector<huly::issue>& issues,
                            std::optional<std::int64_t> server_time_ms) {
    std::int64_t newest = stored.value_or(0);
    for (const auto& issue : issues) newest = std::max(newest, issue.modified_ms);
    if (server_time_ms) newest = std::min(newest, *server_time_ms);
    return newest;
}

std::vector<link> create_intents(const std::vector<task_create>& creates) {
    std::vector<link> intents;
    intents.reserve(creates.size());
    for (const auto& create : creates) {
        link intent = create.on_success;
        intent.task_id.reset();
        intents.push_back(std::move(intent));
    }
    return intents;
}

std::vector<link> changed_links(const std::vector<link>& stored, const std::vector<link>& links) {
    std::map<std::string, const link*> by_issue;
    for (const auto& l : stored) by_issue[l.issue_id] = &l;
    std::vector<link> changed;
    for (const auto& l : links) {
        auto it = by_issue.find(l.issue_id);
        if (it == by_issue.end() || !(*it->second == l)) changed.push_back(l);
    }
    return changed;
}

std::optional<std::string> writes_failure(const std::vector<std::string>& transient_failures) {
    if (transient_failures.empty()) return std::nullopt;
    return std::to_string(transient_failures.size()) + " writes failed, first: " + transient_failures.front();
}

store::project_row settled_row(store::project_row row, const std::optional<std::string>& failure, bool complete, std::int64_t newest,
                        const std::string& now) {
    if (failure) {
        row.last_error = *failure;
        return row;
    }
    if (newest > 0) row.watermark_ms = newest;
    row.cycles_since_full = complete ? 0 : row.cycles_since_full + 1;
    row.last_success_at = now;
    row.last_error.reset();
    return row;
}

}  // namespace hvs::sync
