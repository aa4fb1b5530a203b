#pragma once
// The decisions of one project's cycle around the planner, as pure functions: what to read, when
// to skip, how far the watermark moves, which links to store and how the project's row ends.
// project_sync.cpp does the I/O between them.

#include "hvs/huly/issue.hpp"
#include "hvs/store/project_repository.hpp"
#include "hvs/sync/model.hpp"
#include "hvs/sync/planner.hpp"
#include "hvs/vibe/task.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvs::sync {

// Issues asked for at least per read.
inline constexpr std::size_t default_issue_limit = 1000;

// The Huly read of this cycle.
struct read_scope {
    bool full = true;                      // every issue; else those modified since the watermark
    std::optional<std::int64_t> since;     // the watermark, for an incremental read
    std::size_t limit = 0;                 // of this read
    std::size_t full_limit = 0;            // of a full read (also the one after a truncated incremental read)
};

// Full without incremental sync, without a watermark, or every full_sync_every cycles.
[[nodiscard]] read_scope choose_read_scope(const store::project_row& row, std::size_t issue_count, bool incremental,
                                           unsigned full_sync_every);

// An empty project already mirrored, with no link and no issue before either: nothing to do.
[[nodiscard]] bool skips_empty_project(bool skip_empty_projects, const std::optional<store::project_row>& stored,
                                       std::size_t issue_count, bool has_links);

// The watermark after this cycle's read. It is on Huly's clock (modifiedOn), never on ours, so a
// skewed local clock cannot skip a change; when the wrapper tells its time (syncMeta.serverTime)
// it is also capped by it: a modifiedOn ahead of the server's clock (stamped by a writer whose
// clock runs fast) would otherwise push the watermark past changes the server stamps later with
// its own, earlier time. 0 when nothing was ever seen.
[[nodiscard]] std::int64_t next_watermark(std::optional<std::int64_t> stored, const std::vector<huly::issue>& issues,
                                          std::optional<std::int64_t> server_time_ms);

// The links stored before the creates go out: each with its bases, no task id yet.
[[nodiscard]] std::vector<link> create_intents(const std::vector<task_create>& creates);

// The links that differ from the stored ones (new or changed): an idle project writes none.
[[nodiscard]] std::vector<link> changed_links(const std::vector<link>& stored, const std::vector<link>& links);

// Why the write phase failed the project ("N writes failed, first: …"), if it did.
[[nodiscard]] std::optional<std::string> writes_failure(const std::vector<std::string>& transient_failures);

// The row after the writes: on success the watermark moves (when one was seen), the full-sync
// countdown restarts after a complete read, and the error clears; on failure only the error is
// recorded, so the next cycle reads the same changes again.
[[nodiscard]] store::project_row settled_row(store::project_row row, const std::optional<std::string>& failure, bool complete,
                                      std::int64_t newest, const std::string& now);

}  // namespace hvs::sync
