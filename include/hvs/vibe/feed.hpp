#pragma once
// Vibe Kanban's change feed, GET <VIBE_API_URL>/events (0.0.71 and the single-repo generation up to
// 0.0.136; shared/reference/vibe-kanban-api.md §4.1). Each event is a JSON patch
// `[{"op":"add","path":"/entries/{n}","value":{"db_op","record":{"type","data"}}}]`
// (BloopAI/vibe-kanban v0.0.71 crates/services/src/services/events.rs). What it tells the engine:
//   * a TASK insert or update → that task's project (`record.data.project_id`);
//   * a DELETED_TASK (only a SQLite rowid, which no REST route shows; the real server also sends one
//     for an insert whose row its hook read before the commit — seen by the contract test), an event that is not a
//     readable patch, a gap in n (a lagging subscriber silently loses events: the broadcast channel
//     of crates/utils/src/msg_store.rs) → resync everything;
//   * attempts and execution processes (and their deletes) → nothing to sync;
//   * a (re)connect → resync everything, once: the history the server replays on connect is read
//     like live events (the engine's debounce coalesces them), never trusted as complete.

#include "hvs/net/feed.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hvs::vibe {

// What one event says, before the entry counter is checked.
struct feed_reading {
    std::vector<std::uint64_t> entries;     // the n of each /entries/{n} it adds
    std::vector<std::string> projects;      // projects of inserted or updated tasks
    bool resync_all = false;                // a task deleted, or something unreadable
};

// Reads one event of the stream (pure).
[[nodiscard]] feed_reading read_feed_event(const net::sse_event& event);

// The Vibe rules as a net::feed_interpreter: readings plus the entry counter's gaps.
class feed_interpreter final : public net::feed_interpreter {
public:
    std::vector<net::feed_signal> opened(std::chrono::system_clock::time_point now) override;
    std::vector<net::feed_signal> read(const net::sse_event& event, std::chrono::system_clock::time_point now) override;

private:
    std::optional<std::uint64_t> last_entry_;  // the highest n read on this connection
};

// The feed of the Vibe API at `vibe_api` (the VIBE_API_URL, e.g. http://vibe:3105/api): it reads
// `<path>/events`. Defaults for `params`: name "vibe feed", idle timeout 45 s (the server sends a
// keep-alive every 15 s).
[[nodiscard]] result<std::unique_ptr<net::event_feed>> make_feed(net::executor ex, const net::base_url& vibe_api,
                                                                 net::feed_params params,
                                                                 net::event_feed::signal_handler on_signal);
[[nodiscard]] net::feed_params default_feed_params();

}  // namespace hvs::vibe
