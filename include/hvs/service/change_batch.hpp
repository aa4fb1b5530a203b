#pragma once
// What the change feeds said since the last sync, coalesced (pure, no clock read here): the
// projects marked dirty on each side, or "everything", with the time of the earliest change of
// each — and when each is due: a project's burst is waited out until it has been quiet for the
// debounce, but never longer than `max_wait` after its first mark, so a steady stream of changes
// still syncs. A project's burst never delays another project.

#include "hvs/net/feed.hpp"

#include <chrono>
#include <functional>
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

    // One signal of a feed, arrived at `now`. A signal naming no project marks everything (a
    // project.updated naming one marks it: every cycle reads the project list anew).
    void mark(change_side side, const net::feed_signal& signal, steady_time now);
    // When the first pending mark is due; nullopt when nothing is pending.
    [[nodiscard]] std::optional<steady_time> due() const;
    [[nodiscard]] bool pending() const { return everything_ || !huly_.empty() || !vibe_.empty(); }
    // Takes what is due at `now` (everything pending when "everything" is due), leaving the rest.
    change_batch take_due(steady_time now);
    // Takes everything pending (a full poll covers it all).
    change_batch take_all();

private:
    struct dirty {
        std::chrono::system_clock::time_point changed;  // the earliest change
        steady_time first;                              // its first and last marks
        steady_time last;
    };
    using dirty_map = std::map<std::string, dirty>;

    [[nodiscard]] steady_time due_of(const dirty& d) const { return std::min(d.last + quiet_, d.first + max_wait_); }
    void note(std::optional<dirty>& slot, std::chrono::system_clock::time_point changed, steady_time now);
    static void take_into(dirty_map& from, std::map<std::string, std::chrono::system_clock::time_point>& to,
                          const std::function<bool(const dirty&)>& wanted);

    std::chrono::milliseconds quiet_;
    std::chrono::milliseconds max_wait_;
    std::optional<dirty> everything_;
    dirty_map huly_;
    dirty_map vibe_;
};

}  // namespace hvs::service
