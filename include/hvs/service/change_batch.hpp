#pragma once
// What the change feeds said since the last sync, coalesced (pure, no clock read here): the
// projects marked dirty on each side, or "everything", with the time of the earliest change of
// each — and when the batch is due: a burst is waited out until the feeds have been quiet for the
// debounce, but never longer than `max_wait` after its first mark, so a steady stream of changes
// still syncs.

#include "hvs/net/feed.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace hvs::service {

// Which upstream a change was seen on: a Vibe project is named by its id, a Huly project by its
// identifier.
enum class change_side { huly, vibe };

// The dirty projects taken for one sync.
struct change_batch {
    bool everything = false;                      // sync every project (a full cycle)
    std::optional<std::chrono::system_clock::time_point> everything_since;
    std::map<std::string, std::chrono::system_clock::time_point> huly;  // identifier -> earliest change
    std::map<std::string, std::chrono::system_clock::time_point> vibe;  // Vibe project id -> earliest change

    [[nodiscard]] bool empty() const { return !everything && huly.empty() && vibe.empty(); }
    // The earliest change of a project synced from this batch (identifier and Vibe id), for the
    // propagation latency; nullopt when the batch does not name it.
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> changed_at(const std::string& identifier,
                                                                                  const std::string& vibe_id) const;
};

class change_debouncer {
public:
    using steady_time = std::chrono::steady_clock::time_point;

    explicit change_debouncer(std::chrono::milliseconds quiet = std::chrono::milliseconds{250},
                              std::chrono::milliseconds max_wait = std::chrono::milliseconds{2'000})
        : quiet_(quiet), max_wait_(max_wait) {}

    // One signal of a feed, arrived at `now`. A signal naming no project (or refresh_projects
    // without one) marks everything.
    void mark(change_side side, const net::feed_signal& signal, steady_time now);
    // When the pending batch should be synced; nullopt when nothing is pending.
    [[nodiscard]] std::optional<steady_time> due() const;
    [[nodiscard]] bool pending() const { return !batch_.empty(); }
    // Takes the pending batch (leaving none).
    change_batch take();

private:
    std::chrono::milliseconds quiet_;
    std::chrono::milliseconds max_wait_;
    change_batch batch_;
    steady_time first_mark_{};
    steady_time last_mark_{};
};

}  // namespace hvs::service
